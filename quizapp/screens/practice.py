"""Practice: one question at a time, an input fitted to its type, hints, skip, flag."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header

from quizapp.grading.service import GradingService
from quizapp.screens.background_grading import BackgroundGrading
from quizapp.screens.code_runs import CodeRuns
from quizapp.screens.feedback import FeedbackScreen
from quizapp.screens.flag import flag_current
from quizapp.screens.letter_keys import LetterKeyScreen, letter_key
from quizapp.screens.summary import SummaryScreen
from quizapp.study.practice import PracticeSession
from quizapp.widgets.answer_input import AnswerInput
from quizapp.widgets.code_answer import CodeAnswer
from quizapp.widgets.inputs import answer_input_for
from quizapp.widgets.question_card import QuestionCard


class PracticeScreen(LetterKeyScreen):
    """Asks the session's questions; each answer opens the feedback view.

    `h`/`s`/`f` give a hint, skip, flag; while a text box has focus they type, and
    `ctrl+t`/`ctrl+s`/`ctrl+g` do the same (the footer shows whichever pair works).
    """

    DEFAULT_CSS = "PracticeScreen #question-area { padding: 1 2; }"

    BINDINGS: ClassVar[list[BindingType]] = [
        *letter_key("hint", "h", "ctrl+t", "Hint"),
        *letter_key("skip", "s", "ctrl+s", "Skip"),
        *letter_key("flag", "f", "ctrl+g", "Flag"),
        Binding("escape", "end", "End session"),
    ]

    def __init__(self, session: PracticeSession, grading: GradingService) -> None:
        super().__init__()
        self.session = session
        self.grading = grading
        self.code_runs = CodeRuns(self, grading)

    def compose(self) -> ComposeResult:
        yield Header()
        yield VerticalScroll(id="question-area")
        yield Footer()

    async def on_mount(self) -> None:
        await self.show_question()

    # -- the question ----------------------------------------------------------------

    async def show_question(self) -> None:
        """Replace the question area with the current question and its input."""
        item = self.session.current
        if item is None:
            self.finish()
            return
        area = self.query_one("#question-area", VerticalScroll)
        await area.remove_children()
        answer_input = answer_input_for(item.question)
        await area.mount(
            QuestionCard(item.question, self.session.progress(), id="card"), answer_input
        )
        self.session.show()
        self.call_after_refresh(answer_input.focus_first)
        # The references are computed while the learner reads, so feedback comes from cache.
        upcoming = self.session.upcoming_executed()
        self.grading.prefetch(
            [i.question for i in upcoming], [self.session.pack_dir(i) for i in upcoming]
        )

    # -- answering -------------------------------------------------------------------

    async def on_code_answer_run_requested(self, event: CodeAnswer.RunRequested) -> None:
        item = self.session.current
        if item is not None:
            await self.code_runs.run(event, self.session.pack_dir(item))

    async def on_background_grading_graded(self, event: BackgroundGrading.Graded) -> None:
        await self.code_runs.arrived(event)

    def on_answer_input_submitted(self, event: AnswerInput.Submitted) -> None:
        event.stop()
        seconds = self.session.elapsed()
        screen = FeedbackScreen(self.session, self.grading, event.answer, event.rubric, seconds)
        self.app.push_screen(screen, self._after_feedback)

    async def _after_feedback(self, retype: str | None) -> None:
        if retype is not None:
            # The grader could not read the answer: same question, message inline.
            self.query_one(AnswerInput).show_error(retype)
            return
        self.session.advance()
        await self.show_question()

    def finish(self) -> None:
        """Replace this screen with the session summary."""
        self.app.switch_screen(SummaryScreen(self.session.summary(), self.session.clock()))

    # -- actions ---------------------------------------------------------------------

    def action_hint(self) -> None:
        """Show the next hint."""
        hint = self.session.next_hint()
        if hint is None:
            self.notify("No more hints for this question.")
            return
        self.query_one(QuestionCard).add_hint(self.session.hints_shown, hint)

    async def action_skip(self) -> None:
        """Move on without answering (nothing is recorded)."""
        self.session.skip()
        await self.show_question()

    def action_flag(self) -> None:
        """Flag the question for its author, with an optional note."""
        flag_current(self, self.session)

    def action_end(self) -> None:
        """End the session early: answers given so far are already saved."""
        if not self.session.outcomes and not self.session.skipped:
            self.dismiss()  # nothing to sum up
            return
        self.finish()
