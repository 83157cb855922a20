"""The base of every answer input: one per question type, all posting `AnswerInput.Submitted`."""

from __future__ import annotations

from typing import ClassVar

from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from quizapp.packs.models import AnyQuestion
from quizapp.textsafe import safe_text


def is_typing(focused: Widget | None) -> bool:
    """True while printable keys type into a text box (so letter keys are not actions)."""
    if isinstance(focused, TextArea):
        return not focused.read_only
    return isinstance(focused, Input)


class AnswerInput(Widget):
    """An input fitted to one question; the screen only listens for `Submitted`.

    Subclasses compose their controls and call `submit` when the learner is done. They bind
    only their own actions: the screen owns its keys (hint, skip, flag…) and offers control
    keys for them while `is_typing` says that letters type into a text box.
    """

    #: True when the input itself shows the model answer before submitting (explain's
    #: rubric step): a grade shown beside it then leaves the answer out, not saying it twice.
    SHOWS_MODEL_ANSWER: ClassVar[bool] = False

    DEFAULT_CSS = """
    AnswerInput { height: auto; margin-top: 1; }
    AnswerInput .answer-error { color: $error; height: auto; }
    """

    class Submitted(Message):
        """The learner gave an answer.

        Attributes:
            answer: The answer as text (for choices: letters, e.g. "a, c").
            rubric: For explain questions, (items ticked, items in the rubric).
        """

        def __init__(
            self, answer_input: AnswerInput, answer: str, rubric: tuple[int, int] | None = None
        ) -> None:
            super().__init__()
            self.answer_input = answer_input
            self.answer = answer
            self.rubric = rubric

        @property
        def control(self) -> AnswerInput:
            """The input that sent the message."""
            return self.answer_input

    def __init__(self, question: AnyQuestion, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.question = question

    def focus_first(self) -> None:
        """Focus the control the learner answers with (text box, choice list), else self."""
        for widget in self.query("*"):
            if widget.focusable:
                widget.focus()
                return
        if self.focusable:
            self.focus()

    def submit(self, answer: str, rubric: tuple[int, int] | None = None) -> None:
        """Post `Submitted` with the learner's answer."""
        self.show_error("")
        # What is graded, stored and shown again later carries no control codes.
        self.post_message(self.Submitted(self, safe_text(answer), rubric))

    def show_error(self, message: str) -> None:
        """Show why an answer could not be read (empty clears it); the learner retypes."""
        for label in self.query(".answer-error").results(Static):
            label.update(message)
            label.display = bool(message)

    def error_label(self) -> Static:
        """The label `show_error` writes to; subclasses yield it in `compose`."""
        label = Static("", classes="answer-error")
        label.display = False
        return label
