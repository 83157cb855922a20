"""A one-line text box for text, numeric, shape and sequence questions."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from quizapp.grading.parsers import (
    AnswerSyntaxError,
    parse_name,
    parse_number,
    parse_sequence,
    parse_shape,
)
from quizapp.grading.qtypes.text import names_a_dtype
from quizapp.packs.models import AnyQuestion, TextQuestion
from quizapp.widgets.answer_input import AnswerInput
from quizapp.widgets.safe_inputs import SafeInput

# Examples show the spelling only: no value that answers (or traps) a real question.
PLACEHOLDERS: dict[str, str] = {
    "text": "your answer",
    "numeric": "a number, e.g. 0.5, -3.25 or 1.2e-3",
    "shape": "a shape, e.g. (8, 3, 32, 32) or 8x3x32x32",
    "sequence": "numbers, e.g. 10, 20, 30",
}


def check_syntax(question: AnyQuestion, answer: str) -> None:
    """Read the answer the way the grader will, so a typo is caught before grading runs.

    Raises:
        AnswerSyntaxError: When the answer cannot be read as the question's type.
    """
    match question.type:
        case "numeric":
            parse_number(answer)
        case "shape":
            parse_shape(answer)
        case "sequence":
            parse_sequence(answer)
        case "text" if isinstance(question, TextQuestion) and question.probe is not None:
            parse_name(answer)
        case _:
            if not answer.strip():
                raise AnswerSyntaxError("Type an answer.")


class TextAnswer(AnswerInput):
    """Type an answer, `enter` to submit; unreadable input is explained inline."""

    def compose(self) -> ComposeResult:
        placeholder = PLACEHOLDERS.get(self.question.type, "your answer")
        if isinstance(self.question, TextQuestion) and self.question.probe is not None:
            placeholder = (
                "a torch dtype name, e.g. float32"
                if names_a_dtype(self.question)
                else "an exception class name, e.g. ValueError, or none"
            )
        yield SafeInput(placeholder=placeholder, id="answer-text")
        yield self.error_label()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            check_syntax(self.question, event.value)
        except AnswerSyntaxError as error:
            self.show_error(str(error))
            return
        self.submit(event.value)
