"""`choice`: pick by letter, number or full text; several picks when `multiple`.

Without a probe the choices marked `correct: true` are right; with one, the choices whose
`value` equals the computed result.
"""

from __future__ import annotations

from quizapp.grading.compare import fold_text, values_match
from quizapp.grading.formatting import choice_letter, format_value
from quizapp.grading.parsers import parse_choices
from quizapp.grading.qtypes import base
from quizapp.grading.qtypes.base import Reference
from quizapp.grading.result import GradeResult
from quizapp.grading.values import ValueKind
from quizapp.packs.models import ChoiceQuestion
from quizapp.packs.vocabulary import observable_kind


def typed_reference(question: ChoiceQuestion) -> Reference | None:
    """The letters of the choices marked correct ("a" or "a, c"); None with a probe."""
    if question.probe is not None:
        return None
    marked = [i for i, choice in enumerate(question.choices) if choice.correct]
    return Reference(", ".join(choice_letter(i) for i in marked))


def correct_choices(question: ChoiceQuestion, reference: Reference | None) -> frozenset[int]:
    """Indices of the correct choices.

    With a probe, the choices whose `value` equals the computed result (shapes exactly,
    numbers and sequences within the default tolerance, names case-insensitively); without
    one, the choices marked `correct: true`. Empty when no choice equals the result.
    """
    if question.probe is None:
        return frozenset(i for i, choice in enumerate(question.choices) if choice.correct)
    kind = observable_kind(question.probe.observe)
    if reference is None or kind is None:
        return frozenset()
    return frozenset(
        i
        for i, choice in enumerate(question.choices)
        if choice.value is not None and values_match(choice.value, reference.value, kind)
    )


def show_choices(question: ChoiceQuestion, indices: frozenset[int]) -> str:
    """`a) text; c) text`: the choices at `indices`, in order."""
    return "; ".join(f"{choice_letter(i)}) {question.choices[i].text}" for i in sorted(indices))


def grade(question: ChoiceQuestion, answer: str, reference: Reference) -> GradeResult:
    picked = _picked(question, answer)
    correct = correct_choices(question, reference)
    computed = _computed_note(question, reference)
    if not correct:
        return GradeResult.ungraded(
            f"no choice equals {computed}", show_choices(question, picked), reference.trace
        )
    expected, got = show_choices(question, correct), show_choices(question, picked)
    lead = f"the step computed {computed}" if question.probe is not None else ""
    if picked == correct:
        return base.result(True, expected, got, lead or "correct", reference)
    wrong_picks = sorted(picked - correct)
    whys = [why for i in wrong_picks if (why := question.choices[i].why)]
    # The picked choice's `why` goes last: it is the sentence the learner should read.
    parts = [lead, _missed(picked, correct)]
    if wrong_picks:
        verb = "is wrong" if len(wrong_picks) == 1 else "are wrong"
        parts.append(f"{_letters(wrong_picks)} {verb}" + (f": {whys[0]}" if whys else ""))
    detail = "; ".join(part for part in parts if part)
    return base.result(False, expected, got, detail, reference, trap=whys[0] if whys else None)


def _picked(question: ChoiceQuestion, answer: str) -> frozenset[int]:
    """The choices named by letter or number, or the one whose text was typed out in full."""
    typed = fold_text(answer)
    by_text = [i for i, choice in enumerate(question.choices) if fold_text(choice.text) == typed]
    if len(by_text) == 1:
        return frozenset(by_text)
    return parse_choices(answer, len(question.choices), question.multiple)


def _computed_note(question: ChoiceQuestion, reference: Reference) -> str:
    kind = observable_kind(question.probe.observe) if question.probe is not None else None
    return format_value(reference.value, kind) if kind is not None else str(reference.value)


def _missed(picked: frozenset[int], correct: frozenset[int]) -> str:
    missing = sorted(correct - picked)
    if not missing:
        return ""
    if picked & correct:
        return f"also correct: {_letters(missing)}"
    return f"the answer is {_letters(missing)}"


def _letters(indices: list[int]) -> str:
    return ", ".join(f"{choice_letter(i)})" for i in indices)


def reference_kind(question: ChoiceQuestion) -> ValueKind | None:
    """With a probe, the observable's kind; without, none (the marked choices are the answer)."""
    return observable_kind(question.probe.observe) if question.probe is not None else None


CHOICE = base.register(ChoiceQuestion, grade, typed_reference, reference_kind, budget_seconds=60)
