"""`code`: the learner's Python, run on a harness's seeded cases against diffusers.

The reference of a code answer is its run: the type registers a `HarnessRun`, through which
`GradingService` sends the source to the code server (`grading/code_grading.CodeGrader`;
learner code never runs in this process) and hands the server's response here as the
`Reference` value (its JSON text). Right when every case passes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from quizapp.grading.code_result import CaseVerdict, CodeRun
from quizapp.grading.qtypes import base
from quizapp.grading.qtypes.base import Reference
from quizapp.grading.result import GradeResult
from quizapp.packs.harnesses import MISTAKE_TEXT
from quizapp.packs.models import CodeQuestion

if TYPE_CHECKING:
    from quizapp.grading.code_grading import CodeGrader


def typed_reference(question: CodeQuestion) -> Reference | None:
    """None: a code answer is judged by running it, never against a typed answer."""
    return None


def grade(question: CodeQuestion, answer: str, reference: Reference) -> GradeResult:
    """Read the run (the code server's response) into a verdict per case."""
    try:
        response = json.loads(reference.value) if isinstance(reference.value, str) else None
    except ValueError:
        response = None
    if not isinstance(response, dict):
        return base.unreadable(reference, "text", "")
    return result_of(question, response)


def run_of(response: dict[str, Any], solution: str = "") -> CodeRun:
    """The server's response as a `CodeRun`."""
    rows = response.get("cases") or []
    mistake = response.get("mistake") or None
    return CodeRun(
        status=str(response.get("status") or "crashed"),
        cases=tuple(CaseVerdict.from_json(row) for row in rows if isinstance(row, dict)),
        error=response.get("error") or None,
        mistake=mistake,
        mistake_text=MISTAKE_TEXT.get(mistake) if mistake else None,
        output=str(response.get("output") or ""),
        output_bytes=int(response.get("output_bytes") or 0),
        solution=solution,
        seconds=float(response.get("seconds") or 0.0),
    )


def result_of(question: CodeQuestion, response: dict[str, Any]) -> GradeResult:
    """The grade of one run: right when every case passes."""
    run = run_of(response, question.solution)
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
