"""Interview notes for explain and flashcard questions: type, then `ctrl+r` to hand them in.

Unlike the practice explain input, it never reveals the model answer: in a mock interview
that waits for the end (`screens/rubric.py`).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label, TextArea

from quizapp.widgets.answer_input import AnswerInput
from quizapp.widgets.safe_inputs import SafeTextArea


class NotesAnswer(AnswerInput):
    """A notes box; `ctrl+r` submits (enter makes a new line), empty notes allowed."""

    # Six rows inside the border, as the practice explain input.
    DEFAULT_CSS = "NotesAnswer TextArea { height: 8; }"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "done", "Done"),
    ]

    def compose(self) -> ComposeResult:
        what = (
            "the answer" if self.question.type == "flashcard" else "your answer, as you would aloud"
        )
        yield Label(f"Notes on {what} (optional). ctrl+r: done, next question.")
        yield SafeTextArea(id="answer-notes")
        yield self.error_label()

    def action_done(self) -> None:
        """Hand in the notes; they are scored against the rubric at the end."""
        self.submit(self.query_one(TextArea).text.strip())
