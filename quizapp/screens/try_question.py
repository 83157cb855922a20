"""Try one question as a learner would, from the browse screen: nothing is recorded.

The author answers with the same input and sees the same grade view as in practice, and can
answer again (a trap, a spelling of a shape) as often as they like. Grading runs in a thread
worker, since an executed question may wait for the reference worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header
from textual.worker import Worker, WorkerState

from quizapp.grading.parsers import AnswerSyntaxError
from quizapp.grading.result import GradeResult
from quizapp.grading.service import GradingService
from quizapp.packs.models import AnyQuestion
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
        Binding("escape", "back", "Back to the list"),
        # The answer inputs send these where letters type into a text box.
        Binding("ctrl+t", "hint", "Hint"),
        Binding("ctrl+s", "skip", "Back", show=False),
    ]

    class Graded(Message):
        """The grading worker finished."""

        def __init__(self, result: GradeResult) -> None:
            super().__init__()
            self.result = result

    def __init__(
        self, question: AnyQuestion, pack_dir: Path | None, grading: GradingService, where: str
    ) -> None:
        super().__init__()
        self.question = question
        self.pack_dir = pack_dir
        self.grading = grading
        self.where = where
        self.hints_shown = 0
        self.grading_pending = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="try-area"):
            yield QuestionCard(self.question, f"trying {self.where} · not recorded", id="card")
            yield answer_input_for(self.question)
            grade_view = GradeView(self.question, id="try-grade")
            grade_view.display = False
            yield grade_view
        yield Footer()

    def on_mount(self) -> None:
        answer_input = self.query_one(AnswerInput)
        focusable = [widget for widget in answer_input.query("*") if widget.focusable]
        if focusable:
            focusable[0].focus()
        elif answer_input.focusable:
            answer_input.focus()

    def on_answer_input_submitted(self, event: AnswerInput.Submitted) -> None:
        event.stop()
        view = self.query_one(GradeView)
        view.display = True
        view.result = None
        view.pending = "grading…"
        self.grading_pending = True
        self.grade(event.answer)

    @work(thread=True, exclusive=True, group="try-grade", exit_on_error=False)
    def grade(self, answer: str) -> None:
        """Grade off the UI thread; the result comes back as a message."""
        try:
            result = self.grading.grade(self.question, answer, self.pack_dir)
        except AnswerSyntaxError as error:
            result = GradeResult(None, "?", answer, f"could not read the answer: {error}")
        self.post_message(self.Graded(result))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A bug in grading is shown on the question, not raised out of the app.
        if event.worker.group == "try-grade" and event.state == WorkerState.ERROR:
            reason = " ".join(str(event.worker.error).split())
            self.post_message(self.Graded(GradeResult(None, "?", "", f"could not grade: {reason}")))

    def on_try_screen_graded(self, event: Graded) -> None:
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

    def action_skip(self) -> None:
        """The inputs' skip key: back to the list."""
        self.dismiss()

    def action_back(self) -> None:
        """Back to the list."""
        self.dismiss()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Flagging is for learners; the author is looking at the file.
        return action != "flag"
