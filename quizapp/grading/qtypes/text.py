"""`text`: a typed phrase matched against `accept`/`accept_regex`; with a probe, the name
of the exception the loop raises (or "none"), compared case-insensitively."""

from __future__ import annotations

from quizapp.grading.compare import names_equal, text_accepted
from quizapp.grading.parsers import AnswerSyntaxError, parse_name
from quizapp.grading.qtypes import base
from quizapp.grading.qtypes.base import Reference
from quizapp.grading.result import GradeResult
from quizapp.grading.values import ValueKind, as_text
from quizapp.packs.models import DEFAULT_TOLERANCE, TextQuestion


def typed_reference(question: TextQuestion) -> Reference | None:
    """The first accepted answer, else the regex; None with a probe."""
    if question.probe is not None:
        return None
    shown = question.accept[0] if question.accept else question.accept_regex
    return Reference(shown) if shown is not None else None


def grade(question: TextQuestion, answer: str, reference: Reference) -> GradeResult:
    if question.probe is not None:
        return _grade_name(question, answer, reference)
    got = " ".join(answer.split())
    if not got:
        raise AnswerSyntaxError("Type an answer.")
    expected = as_text(reference.value) or ""
    if text_accepted(got, question.accept, question.accept_regex):
        return base.result(True, expected, got, "accepted", reference)
    trap = base.matching_trap(question.traps, got, "text", DEFAULT_TOLERANCE)
    return base.wrong(expected, got, f"expected {expected}, got {got}", "", trap, reference)


def _grade_name(question: TextQuestion, answer: str, reference: Reference) -> GradeResult:
    got = parse_name(answer)
    expected = as_text(reference.value)
    if expected is None:
        return base.unreadable(reference, "name", got)
    if names_equal(got, expected):
        detail = "the loop raised nothing" if got == "none" else f"the loop raised {expected}"
        return base.result(True, expected, got, detail, reference)
    trap = base.matching_trap(question.traps, got, "name", DEFAULT_TOLERANCE)
    return base.wrong(expected, got, f"expected {expected}, got {got}", "", trap, reference)


def reference_kind(question: TextQuestion) -> ValueKind:
    # A text question's probe can only observe `raises`: the answer is a class name.
    return "name" if question.probe is not None else "text"


TEXT = base.register(TextQuestion, grade, typed_reference, reference_kind, budget_seconds=75)
