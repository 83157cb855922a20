"""Grade one answer: parse it as the question's type, compare it with the reference.

The reference is the author's typed answer (`typed_reference`) or the value a probe
computed (built by the reference worker's client). One small function per question type;
each parses first, so bad syntax raises `AnswerSyntaxError` before anything is compared.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizapp.grading.compare import (
    fold_text,
    names_equal,
    numbers_close,
    sequences_close,
    shapes_equal,
    text_accepted,
    values_match,
)
from quizapp.grading.formatting import (
    format_number,
    format_sequence,
    format_shape,
    format_value,
)
from quizapp.grading.parsers import (
    AnswerSyntaxError,
    parse_choices,
    parse_name,
    parse_number,
    parse_sequence,
    parse_shape,
)
from quizapp.grading.result import GradeResult
from quizapp.grading.values import ValueKind, as_number, as_sequence, as_shape, as_text
from quizapp.packs.models import (
    DEFAULT_TOLERANCE,
    AnyQuestion,
    ChoiceQuestion,
    CodeQuestion,
    ExplainQuestion,
    FlashcardQuestion,
    NumericQuestion,
    SequenceQuestion,
    ShapeQuestion,
    TextQuestion,
    Tolerance,
    Trap,
    Value,
)
from quizapp.packs.vocabulary import observable_kind

__all__ = ["AnswerSyntaxError", "Reference", "correct_choices", "grade", "typed_reference"]

#: Digits shown when two different numbers look equal at the usual 6 significant digits.
_PRECISE_DIGITS = 12


@dataclass(frozen=True)
class Reference:
    """The answer an attempt is compared with.

    Attributes:
        value: The author's typed answer, or the value the probe computed.
        trace: For a probe, what ran (versions, scheduler, t, shapes); copied to the result.
    """

    value: Value
    trace: tuple[str, ...] = ()


def typed_reference(question: AnyQuestion) -> Reference | None:
    """The reference an author typed into the pack.

    Returns:
        None when the question has a probe (its reference must be computed) or is self-rated
        (flashcard, explain). For a choice question, the letters of the choices marked
        correct ("a" or "a, c"); for a text question, its first accepted answer, else its regex.
    """
    match question:
        case FlashcardQuestion() | ExplainQuestion() | CodeQuestion():
            return None
        case _ if question.probe is not None:
            return None
        case ChoiceQuestion():
            marked = [i for i, choice in enumerate(question.choices) if choice.correct]
            return Reference(", ".join(_letter(i) for i in marked))
        case TextQuestion():
            shown = question.accept[0] if question.accept else question.accept_regex
            return Reference(shown) if shown is not None else None
        case NumericQuestion() | ShapeQuestion() | SequenceQuestion():
            return Reference(question.answer) if question.answer is not None else None


def grade(question: AnyQuestion, answer: str, reference: Reference | None) -> GradeResult:
    """Grade `answer` against `reference`.

    Args:
        question: The question answered.
        answer: What the learner typed (for choice questions: "a", "a, c", "2", ...).
        reference: The probe's computed result, or the typed reference; when None, the
            typed reference is used if the question has one.

    Returns:
        The result. `correct` is None for self-rated questions (flashcard, explain; the model
        answer is in `expected`) and when there is no reference to compare with.

    Raises:
        AnswerSyntaxError: When the answer cannot be read as the question's type.
    """
    if isinstance(question, FlashcardQuestion | ExplainQuestion):
        return _grade_self_rated(question, answer)
    if isinstance(question, CodeQuestion):
        # Code runs in the code server: GradingService.grade sends it there.
        return _not_graded(answer, "could not grade: code is graded by running it")
    if reference is None:
        reference = typed_reference(question)
    if reference is None:
        return GradeResult(
            correct=None,
            expected="",
            got=" ".join(answer.split()),
            detail="could not grade: the reference answer was not computed",
        )
    match question:
        case ChoiceQuestion():
            return _grade_choice(question, answer, reference)
        case NumericQuestion():
            return _grade_numeric(question, answer, reference)
        case ShapeQuestion():
            return _grade_shape(question, answer, reference)
        case SequenceQuestion():
            return _grade_sequence(question, answer, reference)
        case TextQuestion() if question.probe is not None:
            return _grade_name(question, answer, reference)
        case TextQuestion():
            return _grade_text(question, answer, reference)


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


def _picked(question: ChoiceQuestion, answer: str) -> frozenset[int]:
    """The choices named by letter or number, or the one whose text was typed out in full."""
    typed = fold_text(answer)
    by_text = [i for i, choice in enumerate(question.choices) if fold_text(choice.text) == typed]
    if len(by_text) == 1:
        return frozenset(by_text)
    return parse_choices(answer, len(question.choices), question.multiple)


def _grade_choice(question: ChoiceQuestion, answer: str, reference: Reference) -> GradeResult:
    picked = _picked(question, answer)
    correct = correct_choices(question, reference)
    computed = _computed_note(question, reference)
    if not correct:
        return _not_graded(
            _show_choices(question, picked), f"could not grade: no choice equals {computed}"
        )
    expected, got = _show_choices(question, correct), _show_choices(question, picked)
    lead = f"the step computed {computed}" if question.probe is not None else ""
    if picked == correct:
        return _result(True, expected, got, lead or "correct", reference)
    wrong_picks = sorted(picked - correct)
    whys = [why for i in wrong_picks if (why := question.choices[i].why)]
    # The picked choice's `why` goes last: it is the sentence the learner should read.
    parts = [lead, _missed(picked, correct)]
    if wrong_picks:
        verb = "is wrong" if len(wrong_picks) == 1 else "are wrong"
        parts.append(f"{_letters(wrong_picks)} {verb}" + (f": {whys[0]}" if whys else ""))
    detail = "; ".join(part for part in parts if part)
    return _result(False, expected, got, detail, reference, trap=whys[0] if whys else None)


def _grade_numeric(question: NumericQuestion, answer: str, reference: Reference) -> GradeResult:
    got = parse_number(answer)
    expected = as_number(reference.value)
    if expected is None:
        return _unreadable(reference, "number", format_number(got))
    tol = question.tolerance or DEFAULT_TOLERANCE
    shown_expected, shown_got = _show_pair(expected, got)
    if numbers_close(got, expected, tol):
        detail = f"{shown_got} is within tolerance of {shown_expected}"
        return _result(True, shown_expected, shown_got, detail, reference)
    allowed = max(tol.rel * abs(expected), tol.abs)
    reason = f"off by {abs(got - expected):.2g}, tolerance ±{allowed:.2g}"
    trap = _matching_trap(question.traps, got, "number", tol)
    lead = f"expected {shown_expected}, got {shown_got}"
    return _wrong(shown_expected, shown_got, lead, reason, trap, reference)


def _grade_shape(question: ShapeQuestion, answer: str, reference: Reference) -> GradeResult:
    got = parse_shape(answer)
    expected = as_shape(reference.value)
    if expected is None:
        return _unreadable(reference, "shape", format_shape(got))
    shown_expected, shown_got = format_shape(expected), format_shape(got)
    if shapes_equal(got, expected):
        return _result(True, shown_expected, shown_got, f"{shown_got} exactly", reference)
    if len(got) != len(expected):
        reason = f"{len(got)} dimensions instead of {len(expected)}"
    else:
        differ = [str(i) for i, (g, e) in enumerate(zip(got, expected, strict=True)) if g != e]
        reason = f"differs at dimension{'s' if len(differ) > 1 else ''} {', '.join(differ)}"
    trap = _matching_trap(question.traps, got, "shape", DEFAULT_TOLERANCE)
    lead = f"expected {shown_expected}, got {shown_got}"
    return _wrong(shown_expected, shown_got, lead, reason, trap, reference)


def _grade_sequence(question: SequenceQuestion, answer: str, reference: Reference) -> GradeResult:
    got = parse_sequence(answer)
    expected = as_sequence(reference.value)
    if expected is None:
        return _unreadable(reference, "sequence", format_sequence(got))
    tol = question.tolerance or DEFAULT_TOLERANCE
    shown_expected, shown_got = format_sequence(expected), format_sequence(got)
    if sequences_close(got, expected, tol):
        detail = f"all {len(expected)} values within tolerance"
        return _result(True, shown_expected, shown_got, detail, reference)
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
    trap = _matching_trap(question.traps, got, "sequence", tol)
    return _wrong(shown_expected, shown_got, lead, "", trap, reference)


def _grade_name(question: TextQuestion, answer: str, reference: Reference) -> GradeResult:
    got = parse_name(answer)
    expected = as_text(reference.value)
    if expected is None:
        return _unreadable(reference, "name", got)
    if names_equal(got, expected):
        detail = "the loop raised nothing" if got == "none" else f"the loop raised {expected}"
        return _result(True, expected, got, detail, reference)
    trap = _matching_trap(question.traps, got, "name", DEFAULT_TOLERANCE)
    return _wrong(expected, got, f"expected {expected}, got {got}", "", trap, reference)


def _grade_text(question: TextQuestion, answer: str, reference: Reference) -> GradeResult:
    got = " ".join(answer.split())
    if not got:
        raise AnswerSyntaxError("Type an answer.")
    expected = as_text(reference.value) or ""
    if text_accepted(got, question.accept, question.accept_regex):
        return _result(True, expected, got, "accepted", reference)
    trap = _matching_trap(question.traps, got, "text", DEFAULT_TOLERANCE)
    return _wrong(expected, got, f"expected {expected}, got {got}", "", trap, reference)


def _grade_self_rated(question: FlashcardQuestion | ExplainQuestion, answer: str) -> GradeResult:
    if isinstance(question, ExplainQuestion):
        detail = f"self-rated: tick the rubric items your answer covered ({len(question.rubric)})"
    else:
        detail = "self-rated: compare with the answer"
    return GradeResult(
        correct=None, expected=question.answer, got=" ".join(answer.split()), detail=detail
    )


def _matching_trap(traps: list[Trap], got: object, kind: ValueKind, tol: Tolerance) -> Trap | None:
    """The first trap whose answer the learner's answer is within tolerance of."""
    return next((trap for trap in traps if values_match(got, trap.answer, kind, tol)), None)


def _wrong(
    expected: str, got: str, lead: str, reason: str, trap: Trap | None, reference: Reference
) -> GradeResult:
    """A wrong answer; a trap's `why` explains it better than the mechanical reason."""
    if trap is not None:
        return _result(False, expected, got, f"{lead}: {trap.why}", reference, trap=trap.why)
    detail = f"{lead}; {reason}" if reason else lead
    return _result(False, expected, got, detail, reference)


def _result(
    correct: bool,
    expected: str,
    got: str,
    detail: str,
    reference: Reference,
    trap: str | None = None,
) -> GradeResult:
    return GradeResult(
        correct=correct,
        expected=expected,
        got=got,
        detail=detail,
        trace=reference.trace,
        trap=trap,
    )


def _not_graded(got: str, detail: str, trace: tuple[str, ...] = ()) -> GradeResult:
    return GradeResult(correct=None, expected="", got=got, detail=detail, trace=trace)


def _unreadable(reference: Reference, kind: ValueKind, got: str) -> GradeResult:
    """The reference is not of the question's kind: a pack or worker bug, not the learner's."""
    return _not_graded(
        got, f"could not grade: the reference {reference.value!r} is not a {kind}", reference.trace
    )


def _show_pair(expected: float, got: float) -> tuple[str, str]:
    """Both numbers at 6 significant digits, or more when that would make them look equal."""
    shown = format_number(expected), format_number(got)
    if shown[0] == shown[1] and expected != got:
        return f"{expected:.{_PRECISE_DIGITS}g}", f"{got:.{_PRECISE_DIGITS}g}"
    return shown


def _computed_note(question: ChoiceQuestion, reference: Reference) -> str:
    kind = observable_kind(question.probe.observe) if question.probe is not None else None
    return format_value(reference.value, kind) if kind is not None else str(reference.value)


def _show_choices(question: ChoiceQuestion, indices: frozenset[int]) -> str:
    return "; ".join(f"{_letter(i)}) {question.choices[i].text}" for i in sorted(indices))


def _missed(picked: frozenset[int], correct: frozenset[int]) -> str:
    missing = sorted(correct - picked)
    if not missing:
        return ""
    if picked & correct:
        return f"also correct: {_letters(missing)}"
    return f"the answer is {_letters(missing)}"


def _letters(indices: list[int]) -> str:
    return ", ".join(f"{_letter(i)})" for i in indices)


def _letter(index: int) -> str:
    return chr(ord("a") + index)
