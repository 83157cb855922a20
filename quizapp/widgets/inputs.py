"""The answer input of each question type, by type name.

The UI half of a question type (the domain half is its module in `grading/qtypes/`): a new
type adds its widget here. `tests/test_question_types.py` checks that every registered type
has one.
"""

from __future__ import annotations

from quizapp.packs.models import AnyQuestion
from quizapp.widgets.answer_input import AnswerInput
from quizapp.widgets.choice_answer import ChoiceAnswer
from quizapp.widgets.explain_answer import ExplainAnswer
from quizapp.widgets.flashcard_answer import FlashcardAnswer
from quizapp.widgets.text_answer import TextAnswer

#: Question type name → its input widget class (constructed as `cls(question, id=...)`).
INPUTS: dict[str, type[AnswerInput]] = {
    "flashcard": FlashcardAnswer,
    "choice": ChoiceAnswer,
    "text": TextAnswer,
    "numeric": TextAnswer,
    "shape": TextAnswer,
    "sequence": TextAnswer,
    "explain": ExplainAnswer,
}


def answer_input_for(question: AnyQuestion, *, id: str | None = "answer") -> AnswerInput:
    """A new input for `question`: text box, choice list, flashcard reveal or explain steps.

    Raises:
        LookupError: For a question type without a widget (a wiring bug the tests catch).
    """
    widget = INPUTS.get(question.type)
    if widget is None:
        raise LookupError(f"no answer widget for question type {question.type!r}")
    return widget(question, id=id)
