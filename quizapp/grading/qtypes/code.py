"""`code`: the learner's Python, run on a harness's seeded cases against diffusers.

The reference of a code answer is its run: the type registers a `HarnessRun`, through which
`GradingService` sends the source to the code server (`grading/code_grading.CodeGrader`;
learner code never runs in this process) and hands the run here as the `Reference`'s `run`
(a `CodeRun`, read from the server's typed `CodeReport`). Right when every case passes.
Code that never reached the cases (a SyntaxError, or an exception while the module loads)
is not a wrong answer: it is `AnswerSyntaxError`, shown once with its line, and the
learner fixes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizapp.engine.protocol import CodeReport
from quizapp.grading.code_result import CodeRun
from quizapp.grading.parsers import AnswerSyntaxError
from quizapp.grading.qtypes import base
from quizapp.grading.qtypes.base import Reference
from quizapp.grading.result import GradeResult
from quizapp.packs.models import CodeQuestion

if TYPE_CHECKING:
    from quizapp.grading.code_grading import CodeGrader


def typed_reference(question: CodeQuestion) -> Reference | None:
    """None: a code answer is judged by running it, never against a typed answer."""
    return None


def grade(question: CodeQuestion, answer: str, reference: Reference) -> GradeResult:
    """The verdict of the run, case by case.

    Raises:
        AnswerSyntaxError: The code did not load (`did_not_load`), with the error's line.
    """
    if reference.run is None:
        return base.unreadable(reference, "text", "")
    if did_not_load(reference.run):
        raise AnswerSyntaxError(reference.run.error or reference.run.status)
    return result_of(question, reference.run)


def did_not_load(run: CodeRun) -> bool:
    """True when the code never reached a case: a SyntaxError, or an exception raised
    while the module itself ran (an import of a missing module, a top-level typo)."""
    return run.status == "syntax" or (run.status == "exception" and not run.cases)


def run_of(report: CodeReport, solution: str = "") -> CodeRun:
    """The server's report as a `CodeRun`."""
    return CodeRun.of(report, solution)


def result_of(question: CodeQuestion, run: CodeRun) -> GradeResult:
    """The grade of one run: right when every case passes."""
    total = len(run.cases)
    return GradeResult(
        correct=run.all_passed,
        expected=f"all {total} cases pass" if total else "the cases pass",
        got=f"{run.passed}/{total} cases pass",
        detail=describe_run(run),
        code=run,
    )


def describe_run(run: CodeRun) -> str:
    """One line: how many cases passed, or why the run stopped; the mistake recognised."""
    total = len(run.cases)
    if run.status in ("syntax", "no_function") or (run.status == "exception" and not run.cases):
        return run.error or run.status
    if run.all_passed:
        return f"all {total} cases pass"
    lead = f"{run.passed} of {total} cases pass"
    if run.status == "timeout":
        lead = f"{lead}; {run.error or 'timed out'}"
    elif run.status == "memory":
        lead = f"{lead}; memory limit"
    elif run.status == "crashed":
        lead = f"{lead}; {run.error or 'the code crashed'}"
    if run.mistake:
        lead = f"{lead}; looks like {run.mistake}: {run.mistake_text or run.mistake}"
    return lead


def run_answer(grader: CodeGrader, question: CodeQuestion, source: str) -> Reference:
    """The reference of a code answer: its run in the code server."""
    return grader.reference(question, source)


def harness_question(question: CodeQuestion) -> CodeQuestion:
    """A code question names its harness, cases and sources itself."""
    return question


CODE = base.register(
    CodeQuestion,
    grade,
    typed_reference,
    lambda question: None,
    # Writing and debugging a function takes longer than any spoken answer.
    budget_seconds=480,
    harness_run=base.HarnessRun(run_answer, harness_question),
)
