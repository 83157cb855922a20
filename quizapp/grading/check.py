"""The verdict of `quizapp check` on one question, given its computed reference.

`check` proves a pack against diffusers: every `expect` is what the probe computes, no
trap would be graded correct, and a probe-backed choice question has exactly the right
number of choices equal to the result. Running the probe is the caller's job; this module
only judges, so it is pure and fast to test.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizapp.grading.compare import text_accepted, values_match
from quizapp.grading.formatting import choice_letter, format_value
from quizapp.grading.grader import Reference, correct_choices
from quizapp.grading.qtypes import reference_kind
from quizapp.grading.values import ValueKind, is_kind
from quizapp.packs.models import (
    DEFAULT_TOLERANCE,
    AnyQuestion,
    ChoiceQuestion,
    NumericQuestion,
    SequenceQuestion,
    TextQuestion,
    Tolerance,
)

#: A numeric tolerance wider than this, with no trap to prove it tight enough, is suspect.
LOOSE_RELATIVE_TOLERANCE = 0.01

_ARTICLE: dict[ValueKind, str] = {
    "shape": "a shape",
    "number": "a number",
    "sequence": "a list of numbers",
    "name": "an exception class name",
    "text": "text",
}


@dataclass(frozen=True)
class CheckVerdict:
    """What `quizapp check` reports for one question.

    Attributes:
        ok: True when there are no errors (warnings do not fail a check).
        errors: One line each: what is wrong and what was computed.
        warnings: One line each: what looks risky.
    """

    ok: bool
    errors: tuple[str, ...]
    warnings: tuple[str, ...]


def check_question(question: AnyQuestion, reference: Reference) -> CheckVerdict:
    """Judge one question against its computed (or typed) reference.

    Args:
        question: The question as loaded from its pack.
        reference: The value its probe computed; for a question without a probe, its
            `typed_reference`, which still lets traps be checked.

    Returns:
        The verdict. Questions without a comparable reference (flashcard, explain, a choice
        question without a probe) are always ok.
    """
    kind = reference_kind(question)
    if kind is None:
        return CheckVerdict(ok=True, errors=(), warnings=())
    if not is_kind(reference.value, kind):
        error = f"the computed value {reference.value!r} is not {_ARTICLE[kind]}"
        return CheckVerdict(ok=False, errors=(error,), warnings=())
    errors = [*_expect_errors(question, reference, kind), *_trap_errors(question, reference, kind)]
    if isinstance(question, ChoiceQuestion):
        errors.extend(_choice_errors(question, reference, kind))
    warnings = _loose_tolerance_warnings(question)
    return CheckVerdict(ok=not errors, errors=tuple(errors), warnings=tuple(warnings))


def _expect_errors(question: AnyQuestion, reference: Reference, kind: ValueKind) -> list[str]:
    expect = getattr(question, "expect", None)
    if expect is None:
        return []
    shown = format_value(reference.value, kind)
    source = "the probe computed" if question.executed else "the answer is"
    if not is_kind(expect, kind):
        return [f"expect {expect!r} is not {_ARTICLE[kind]}; {source} {shown}"]
    if values_match(expect, reference.value, kind, _tolerance(question)):
        return []
    return [f"expect {format_value(expect, kind)} but {source} {shown}"]


def _trap_errors(question: AnyQuestion, reference: Reference, kind: ValueKind) -> list[str]:
    errors: list[str] = []
    tol = _tolerance(question)
    shown = format_value(reference.value, kind)
    for trap in getattr(question, "traps", []):
        if not is_kind(trap.answer, kind):
            errors.append(f"trap {trap.answer!r} is not {_ARTICLE[kind]}")
        elif _graded_correct(question, trap.answer, reference, kind, tol):
            errors.append(
                f"trap {format_value(trap.answer, kind)} would be graded correct against "
                f"{shown}{_tolerance_note(kind, tol)}; tighten the tolerance or drop the trap"
            )
    return errors


def _graded_correct(
    question: AnyQuestion, answer: object, reference: Reference, kind: ValueKind, tol: Tolerance
) -> bool:
    """Whether the grader would accept `answer`: the same comparison it makes."""
    if kind == "text" and isinstance(question, TextQuestion) and isinstance(answer, str):
        return text_accepted(answer, question.accept, question.accept_regex)
    return values_match(answer, reference.value, kind, tol)


def _choice_errors(question: ChoiceQuestion, reference: Reference, kind: ValueKind) -> list[str]:
    if question.probe is None:
        return []
    errors = [
        f"choice {choice_letter(i)}) has no value; with a probe every choice needs one"
        for i, choice in enumerate(question.choices)
        if choice.value is None
    ]
    shown = format_value(reference.value, kind)
    matching = correct_choices(question, reference)
    if not matching:
        errors.append(f"no choice has the value the probe computed: {shown}")
    elif len(matching) > 1 and not question.multiple:
        letters = ", ".join(f"{choice_letter(i)})" for i in sorted(matching))
        errors.append(f"choices {letters} all equal the computed {shown}; only one may")
    errors.extend(
        f"choice {choice_letter(i)}) is marked correct but the probe computed {shown}"
        for i, choice in enumerate(question.choices)
        if choice.correct and i not in matching
    )
    return errors


def _loose_tolerance_warnings(question: AnyQuestion) -> list[str]:
    if not isinstance(question, NumericQuestion) or question.traps:
        return []
    tol = _tolerance(question)
    if tol.rel <= LOOSE_RELATIVE_TOLERANCE:
        return []
    return [
        f"tolerance rel {tol.rel:g} is wider than 1% and no trap shows that it still "
        "rejects the classic wrong answers"
    ]


def _tolerance(question: AnyQuestion) -> Tolerance:
    if isinstance(question, NumericQuestion | SequenceQuestion) and question.tolerance:
        return question.tolerance
    return DEFAULT_TOLERANCE


def _tolerance_note(kind: ValueKind, tol: Tolerance) -> str:
    if kind in ("number", "sequence"):
        return f" (tolerance rel {tol.rel:g}, abs {tol.abs:g})"
    return ""
