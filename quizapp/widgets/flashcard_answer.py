"""A flashcard: recall the answer in your head, then reveal it and rate yourself."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from quizapp.widgets.answer_input import AnswerInput


class FlashcardAnswer(AnswerInput):
    """`enter` or `space` reveals the answer (the feedback view shows it and asks 1–4)."""

    can_focus = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "reveal", "Reveal"),
        Binding("space", "reveal", "Reveal", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Static("Recall the answer, then press [b]enter[/] to reveal it.", id="reveal-hint")

    def action_reveal(self) -> None:
        """Show the answer: a flashcard has nothing typed to grade."""
        self.submit("")
