"""A question's reference answer in words: what counts as right, one line each.

Shared by the browse screen's reference view and the Anki export, so both say the same.
"""

from __future__ import annotations

from quizapp.grading.formatting import choice_letter as letter
from quizapp.grading.formatting import format_value
from quizapp.grading.grader import Reference, correct_choices
from quizapp.grading.qtypes import reference_kind
from quizapp.packs.models import (
    AnyQuestion,
    ChoiceQuestion,
    ExplainQuestion,
    FlashcardQuestion,
    NumericQuestion,
    SequenceQuestion,
    TextQuestion,
)


def answer_lines(question: AnyQuestion, reference: Reference | None) -> list[str]:
    """What counts as right, one line each: the value, the right choices, the model answer.

    Args:
        question: The question.
        reference: Its typed or computed reference; None for self-rated questions.
    """
    match question:
        case FlashcardQuestion():
            return [f"Answer: {question.answer}"]
        case ExplainQuestion():
            return [f"Model answer: {question.answer}", "Rubric:"] + [
                f"  • {item}" for item in question.rubric
            ]
        case ChoiceQuestion():
            lines = []
            kind = reference_kind(question)
            if reference is not None and kind is not None:
                lines.append(f"Computed: {format_value(reference.value, kind)}")
            picks = sorted(correct_choices(question, reference))
            lines += [f"Correct: {letter(i)}) {question.choices[i].text}" for i in picks]
            return lines or ["Correct: no choice matches"]
        case TextQuestion() if question.probe is None:
            lines = [f"Accepted: {' | '.join(question.accept)}"] if question.accept else []
            if question.accept_regex:
                lines.append(f"Accepted pattern: {question.accept_regex}")
            return lines
    kind = reference_kind(question)
    if reference is None or kind is None:
        return ["No reference answer."]
    label = "Computed" if question.executed else "Answer"
    line = f"{label}: {format_value(reference.value, kind)}"
    if isinstance(question, NumericQuestion | SequenceQuestion) and question.tolerance:
        line += f"  (tolerance rel {question.tolerance.rel:g}, abs {question.tolerance.abs:g})"
    return [line]
