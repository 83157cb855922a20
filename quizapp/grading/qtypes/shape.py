"""`shape`: a tensor shape, right only when every dimension is equal."""

from __future__ import annotations

from quizapp.grading.compare import shapes_equal
from quizapp.grading.formatting import format_shape
from quizapp.grading.parsers import parse_shape
from quizapp.grading.qtypes import base
from quizapp.grading.qtypes.base import Reference
from quizapp.grading.result import GradeResult
from quizapp.grading.values import as_shape
from quizapp.packs.models import DEFAULT_TOLERANCE, ShapeQuestion


def grade(question: ShapeQuestion, answer: str, reference: Reference) -> GradeResult:
    got = parse_shape(answer)
    expected = as_shape(reference.value)
    if expected is None:
        return base.unreadable(reference, "shape", format_shape(got))
    shown_expected, shown_got = format_shape(expected), format_shape(got)
    if shapes_equal(got, expected):
        return base.result(True, shown_expected, shown_got, f"{shown_got} exactly", reference)
    if len(got) != len(expected):
        reason = f"{len(got)} dimensions instead of {len(expected)}"
    else:
        differ = [str(i) for i, (g, e) in enumerate(zip(got, expected, strict=True)) if g != e]
        reason = f"differs at dimension{'s' if len(differ) > 1 else ''} {', '.join(differ)}"
    trap = base.matching_trap(question.traps, got, "shape", DEFAULT_TOLERANCE)
    lead = f"expected {shown_expected}, got {shown_got}"
    return base.wrong(shown_expected, shown_got, lead, reason, trap, reference)


SHAPE = base.register(ShapeQuestion, grade, base.typed_answer, "shape", budget_seconds=90)
