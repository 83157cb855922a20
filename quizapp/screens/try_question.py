"""Try one question as a learner would, from the browse screen: nothing is recorded.

The author answers with the same input and sees the same grade view as in practice, and can
answer again (a trap, a spelling of a shape) as often as they like. Grading runs in a thread
worker, since an executed question may wait for the reference worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header

from quizapp.grading.service import GradingService
from quizapp.packs.models import AnyQuestion
from quizapp.screens.background_grading import BackgroundGrading
from quizapp.widgets.answer_input import AnswerInput
from quizapp.widgets.grade_view import GradeView
from quizapp.widgets.inputs import answer_input_for
from quizapp.widgets.question_card import QuestionCard


class TryScreen(Screen[None]):
    """One question, its answer input and, once answered, its grade; escape goes back."""

    DEFAULT_CSS = """
    TryScreen #try-area { padding: 1 2; }
    TryScreen #try-grade { margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # A control key: it must work while letters type into the answer box.
        Binding("ctrl+t", "hint", "Hint"),
        Binding("escape", "back", "Back to the list"),
    ]

    def __init__(
        self, question: AnyQuestion, pack_dir: Path | None, grading: GradingService, where: str
    ) -> None:
        super().__init__()
        self.question = question
        self.pack_dir = pack_dir
        self.grading = BackgroundGrading(self, grading)
        self.where = where
        self.hints_shown = 0
        self.grading_pending = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="try-area"):
            yield QuestionCard(self.question, f"trying {self.where} · not recorded", id="card")
            answer_input = answer_input_for(self.question)
            yield answer_input
            grade_view = GradeView(
                self.question, id="try-grade", answer_shown=answer_input.SHOWS_MODEL_ANSWER
            )
            grade_view.display = False
            yield grade_view
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(AnswerInput).focus_first()

    def on_answer_input_submitted(self, event: AnswerInput.Submitted) -> None:
        event.stop()
        view = self.query_one(GradeView)
        view.display = True
        view.result = None
        view.pending = "grading…"
        self.grading_pending = True
        self.grading.grade(None, self.question, event.answer, self.pack_dir, exclusive=True)

    def on_background_grading_graded(self, event: BackgroundGrading.Graded) -> None:
        self.grading_pending = False
        self.query_one(GradeView).result = event.result

    def on_unmount(self) -> None:
        # Back to the list while a try is still grading: do not make the next one wait.
        if self.grading_pending:
            self.grading.abandon(self.question, self.pack_dir)

    def action_hint(self) -> None:
        """Show the next hint."""
        if self.hints_shown >= len(self.question.hints):
            self.notify("No more hints for this question.")
            return
        self.hints_shown += 1
        self.query_one(QuestionCard).add_hint(
            self.hints_shown, self.question.hints[self.hints_shown - 1]
        )

    def action_back(self) -> None:
        """Back to the list."""
        self.dismiss()
