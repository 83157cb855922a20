"""The answer input fitted to a question's type."""

from __future__ import annotations

from quizapp.packs.models import AnyQuestion, ChoiceQuestion, CodeQuestion, ExplainQuestion
from quizapp.widgets.answer_input import AnswerInput
from quizapp.widgets.choice_answer import ChoiceAnswer
from quizapp.widgets.code_answer import CodeAnswer
from quizapp.widgets.explain_answer import ExplainAnswer
from quizapp.widgets.flashcard_answer import FlashcardAnswer
from quizapp.widgets.text_answer import TextAnswer


def answer_input_for(question: AnyQuestion, *, id: str | None = "answer") -> AnswerInput:
    """A new input for `question`: text box, choice list, flashcard reveal or explain steps."""
    if isinstance(question, ChoiceQuestion):
        return ChoiceAnswer(question, id=id)
    if isinstance(question, ExplainQuestion):
        return ExplainAnswer(question, id=id)
    if isinstance(question, CodeQuestion):
        return CodeAnswer(question, id=id)
    if question.type == "flashcard":
        return FlashcardAnswer(question, id=id)
    return TextAnswer(question, id=id)
