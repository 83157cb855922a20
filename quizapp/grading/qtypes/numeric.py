"""`numeric`: one number, right within the question's tolerance (default rel 1e-3)."""

from __future__ import annotations

from quizapp.grading.compare import numbers_close
from quizapp.grading.formatting import format_number
from quizapp.grading.parsers import parse_number
from quizapp.grading.qtypes.base import (
    Reference,
    matching_trap,
    register,
    result,
    show_pair,
    unreadable,
    wrong,
)
from quizapp.grading.result import GradeResult
from quizapp.grading.values import as_number
from quizapp.packs.models import DEFAULT_TOLERANCE, NumericQuestion


def typed_reference(question: NumericQuestion) -> Reference | None:
    if question.probe is not None or question.answer is None:
        return None
    return Reference(question.answer)


def grade(question: NumericQuestion, answer: str, reference: Reference) -> GradeResult:
    got = parse_number(answer)
    expected = as_number(reference.value)
    if expected is None:
        return unreadable(reference, "number", format_number(got))
    tol = question.tolerance or DEFAULT_TOLERANCE
    shown_expected, shown_got = show_pair(expected, got)
    if numbers_close(got, expected, tol):
        detail = f"{shown_got} is within tolerance of {shown_expected}"
        return result(True, shown_expected, shown_got, detail, reference)
    allowed = max(tol.rel * abs(expected), tol.abs)
    reason = f"off by {abs(got - expected):.2g}, tolerance ±{allowed:.2g}"
    trap = matching_trap(question.traps, got, "number", tol)
    lead = f"expected {shown_expected}, got {shown_got}"
    return wrong(shown_expected, shown_got, lead, reason, trap, reference)


NUMERIC = register(NumericQuestion, grade, typed_reference)
