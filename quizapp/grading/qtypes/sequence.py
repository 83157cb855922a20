"""`sequence`: a list of numbers in full, each within the question's tolerance."""

from __future__ import annotations

from quizapp.grading.compare import numbers_close, sequences_close
from quizapp.grading.formatting import format_number, format_sequence
from quizapp.grading.parsers import parse_sequence
from quizapp.grading.qtypes import base
from quizapp.grading.qtypes.base import Reference
from quizapp.grading.result import GradeResult
from quizapp.grading.values import as_sequence
from quizapp.packs.models import DEFAULT_TOLERANCE, SequenceQuestion


def grade(question: SequenceQuestion, answer: str, reference: Reference) -> GradeResult:
    got = parse_sequence(answer)
    expected = as_sequence(reference.value)
    if expected is None:
        return base.unreadable(reference, "sequence", format_sequence(got))
    tol = question.tolerance or DEFAULT_TOLERANCE
    shown_expected, shown_got = format_sequence(expected), format_sequence(got)
    if sequences_close(got, expected, tol):
        detail = f"all {len(expected)} values within tolerance"
        return base.result(True, shown_expected, shown_got, detail, reference)
    # The full lists are in expected/got; the detail names the first difference only.
    if len(got) != len(expected):
        lead = f"{len(got)} values instead of {len(expected)}"
    else:
        i = next(
            i
            for i, (g, e) in enumerate(zip(got, expected, strict=True))
            if not numbers_close(g, e, tol)
        )
        lead = f"index {i}: expected {format_number(expected[i])}, got {format_number(got[i])}"
    trap = base.matching_trap(question.traps, got, "sequence", tol)
    return base.wrong(shown_expected, shown_got, lead, "", trap, reference)


SEQUENCE = base.register(SequenceQuestion, grade, base.typed_answer, "sequence", budget_seconds=120)
