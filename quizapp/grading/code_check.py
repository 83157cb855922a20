"""`quizapp check` for a code question: the solution passes, the starter does not, and each
of the harness's own mistake examples is recognised by name on the question's cases.

The last proves the cases tell the mistakes apart: a pack that overrides the cases with,
say, guidance 1.0 everywhere would make "text_only" invisible, and check says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizapp.grading.check import CheckVerdict
from quizapp.grading.code_grading import CodeGrader
from quizapp.grading.errors import ProbeFailed
from quizapp.grading.qtypes.base import HarnessQuestion
from quizapp.grading.qtypes.code import run_of


@dataclass(frozen=True)
class CodeCheck:
    """The verdict and a one-line summary such as `solution 3/3, starter 0/3, mistakes 3/3`."""

    verdict: CheckVerdict
    summary: str


def check_code_question(
    grader: CodeGrader, question: HarnessQuestion, examples: dict[str, str]
) -> CodeCheck:
    """Run the solution, the starter and `examples` (mistake name → source) on the cases.

    Raises:
        ProbeFailed: the code server could not build the cases or run at all.
    """
    errors: list[str] = []

    def run(source: str) -> tuple[int, int, str | None, str | None]:
        response = grader.run(source, question.harness, question.cases, question.timeout)
        outcome = run_of(response)
        failed = next((c for c in outcome.cases if not c.ok), None)
        why = outcome.error or (failed.error if failed else None)
        return outcome.passed, len(outcome.cases), outcome.mistake, why

    passed, total, _, why = run(question.solution)
    if total == 0 or passed < total:
        errors.append(f"the solution passes {passed}/{total} cases" + (f": {why}" if why else ""))
    starter_passed, _, _, _ = run(question.starter)
    if total and starter_passed == total:
        errors.append("the starter already passes every case")
    recognised = 0
    for name, source in examples.items():
        got_passed, got_total, mistake, _ = run(source)
        if mistake == name:
            recognised += 1
        elif got_total and got_passed == got_total:
            errors.append(f"mistake {name} passes every case: the cases cannot show it")
        else:
            seen = f"recognised as {mistake}" if mistake else "not recognised"
            errors.append(f"mistake {name} is {seen} on these cases")
    summary = (
        f"solution {passed}/{total}, starter {starter_passed}/{total}, "
        f"mistakes {recognised}/{len(examples)} recognised"
    )
    return CodeCheck(CheckVerdict(ok=not errors, errors=tuple(errors), warnings=()), summary)


__all__ = ["CodeCheck", "ProbeFailed", "check_code_question"]
