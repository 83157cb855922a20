"""Feedback: the grade of one answer, then the rating that schedules the question again.

Grading runs in a thread worker (an executed question may wait for the reference worker
to import torch); the worker answers with a message and never touches widgets. The answer
is recorded in the store the moment its grade arrives.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, Static

from quizapp.grading.qtypes import question_type
from quizapp.grading.service import GradingService
from quizapp.screens.background_grading import BackgroundGrading
from quizapp.screens.flag import flag_current
from quizapp.study.practice import RATING_NAMES, Outcome, PracticeSession
from quizapp.widgets.grade_view import GradeView

WARMING_UP = "warming up the reference worker (importing torch)…"
RUNNING = "running the denoising step…"
GRADING = "grading…"


def running_code_text(grading: BackgroundGrading) -> str:
    """What the feedback shows while a code answer runs."""
    if grading.code_ready:
        return "running your code on the cases…"
    return "starting the code runner (importing torch), then running your code…"


class FeedbackScreen(Screen[str | None]):
    """Dismisses with None to go on, or with a message when the answer must be retyped."""

    DEFAULT_CSS = """
    FeedbackScreen #feedback { padding: 1 2; }
    FeedbackScreen #progress { color: $text-muted; margin-bottom: 1; }
    FeedbackScreen #feedback-prompt { color: $text-muted; margin-bottom: 1; }
    FeedbackScreen #rating { margin-top: 1; padding: 1 0; border-top: solid $primary; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "accept", "Accept rating"),
        Binding("1", "rate(1)", "Again"),
        Binding("2", "rate(2)", "Hard"),
        Binding("3", "rate(3)", "Good"),
        Binding("4", "rate(4)", "Easy"),
        Binding("f", "flag", "Flag"),
        Binding("escape", "leave", "Skip", show=False),
    ]

    def __init__(
        self,
        session: PracticeSession,
        grading: GradingService,
        answer: str,
        rubric: tuple[int, int] | None,
        seconds: float,
    ) -> None:
        super().__init__()
        self.session = session
        self.grading = BackgroundGrading(self, grading)
        self.answer = answer
        self.rubric = rubric
        self.seconds = seconds
        item = session.current
        if item is None:
            raise RuntimeError("feedback needs a current question")
        self.item = item
        self.outcome: Outcome | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="feedback"):
            yield Static(self.session.progress(), id="progress", markup=False)
            yield Markdown(self.item.question.prompt, id="feedback-prompt")
            yield GradeView(self.item.question, id="grade")
            yield Static("", id="rating")
        yield Footer()

    def on_mount(self) -> None:
        view = self.query_one(GradeView)
        pack_dir = self.session.pack_dir(self.item)
        if question_type(self.item.question).harness_run is not None:
            view.pending = running_code_text(self.grading)
            if not self.grading.code_ready:
                self.set_interval(0.5, self._poll_code_runner, name="code-runner-status")
        elif self.grading.waits_for_worker(self.item.question, pack_dir):
            view.pending = RUNNING if self.grading.worker_ready else WARMING_UP
            self.set_interval(0.5, self._poll_worker, name="worker-status")
        else:
            view.pending = GRADING
        self.grading.grade(None, self.item.question, self.answer, pack_dir, exclusive=True)

    def _poll_worker(self) -> None:
        view = self.query_one(GradeView)
        if view.result is None and view.pending == WARMING_UP and self.grading.worker_ready:
            view.pending = RUNNING

    def _poll_code_runner(self) -> None:
        view = self.query_one(GradeView)
        if view.result is None and self.grading.code_ready:
            view.pending = running_code_text(self.grading)

    def on_unmount(self) -> None:
        # Left before the grade came: the next question's probe must not queue behind this.
        if self.outcome is None:
            self.grading.abandon(self.item.question, self.session.pack_dir(self.item))

    def on_background_grading_graded(self, event: BackgroundGrading.Graded) -> None:
        if event.unreadable is not None:
            # The grader could not read the answer: back to the question to retype it.
            self.dismiss(event.unreadable)
            return
        if self.outcome is not None:
            return
        waiting = self.session.unsaved
        self.outcome = self.session.record(self.answer, event.result, self.rubric, self.seconds)
        self._say_if_unsaved(waiting)
        self.query_one(GradeView).result = event.result
        self._show_rating()
        self.refresh_bindings()

    def _say_if_unsaved(self, waiting_before: int) -> None:
        """A store that could not take the answer: say so; the session goes on regardless."""
        recorder = self.session.recorder
        if recorder.error is not None:
            self.notify(
                f"Your answer could not be saved ({recorder.error}). It is kept, and saved "
                "with your next answer once the store can take it.",
                title="Not saved",
                severity="error",
                timeout=15,
            )
        elif waiting_before:
            self.notify(f"Saved {waiting_before} earlier answer(s) that were waiting.")

    def _show_rating(self) -> None:
        outcome = self.outcome
        if outcome is None:
            return
        keys = "  ".join(f"[b]{n}[/] {name}" for n, name in RATING_NAMES.items())
        if outcome.rating is not None:
            lead = f"Rating: [b]{RATING_NAMES[outcome.rating]}[/] — enter accepts"
        else:
            lead = "Not graded: enter moves on with the schedule unchanged"
        cram = " (cram: the schedule is not changed)" if self.session.cram else ""
        self.query_one("#rating", Static).update(f"{lead}{cram}, or override:  {keys}")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("accept", "rate"):
            # Shown but inert until the grade is in.
            return True if self.outcome is not None else None
        return True

    def action_accept(self) -> None:
        """Keep the suggested rating and go on."""
        if self.outcome is not None:
            self.dismiss(None)

    def action_rate(self, rating: int) -> None:
        """Override the rating (1 Again, 2 Hard, 3 Good, 4 Easy) and go on."""
        if self.outcome is None:
            return
        self.session.rate(self.outcome, rating)
        self.dismiss(None)

    def action_flag(self) -> None:
        """Flag the question for its author: the answer shown may be why it looks wrong."""
        flag_current(self, self.session)

    def action_leave(self) -> None:
        """Escape: go on; while still grading, the answer is dropped (nothing recorded)."""
        self.dismiss(None)
