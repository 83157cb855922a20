"""`numeric`: one number, right within the question's tolerance (default rel 1e-3)."""

from __future__ import annotations

from quizapp.grading.compare import numbers_close
from quizapp.grading.formatting import format_number
from quizapp.grading.parsers import parse_number
from quizapp.grading.qtypes import base
from quizapp.grading.qtypes.base import Reference
from quizapp.grading.result import GradeResult
from quizapp.grading.values import as_number
from quizapp.packs.models import DEFAULT_TOLERANCE, NumericQuestion


def grade(question: NumericQuestion, answer: str, reference: Reference) -> GradeResult:
    got = parse_number(answer)
    expected = as_number(reference.value)
    if expected is None:
        return base.unreadable(reference, "number", format_number(got))
    tol = question.tolerance or DEFAULT_TOLERANCE
    shown_expected, shown_got = base.show_pair(expected, got)
    if numbers_close(got, expected, tol):
        detail = f"{shown_got} is within tolerance of {shown_expected}"
        return base.result(True, shown_expected, shown_got, detail, reference)
    allowed = max(tol.rel * abs(expected), tol.abs)
    reason = f"off by {abs(got - expected):.2g}, tolerance ±{allowed:.2g}"
    trap = base.matching_trap(question.traps, got, "number", tol)
    lead = f"expected {shown_expected}, got {shown_got}"
    return base.wrong(shown_expected, shown_got, lead, reason, trap, reference)


NUMERIC = base.register(NumericQuestion, grade, base.typed_answer, "number", budget_seconds=120)
