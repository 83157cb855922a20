"""The mock interview: one question at a time against the clock, no feedback until the end.

Answers are graded in thread workers while the interview goes on (executed ones wait for
the reference worker); each worker answers with a message. When the interview ends (all
answered, ended early, or the clock ran out) explain and flashcard answers are self-scored
on the rubric screen, then the report is saved and shown.
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Footer, Header, Static

from quizapp.grading.grader import Reference
from quizapp.grading.service import GradingService
from quizapp.packs.models import ChoiceQuestion
from quizapp.screens.background_grading import BackgroundGrading
from quizapp.screens.confirm_quit import ConfirmQuit
from quizapp.screens.letter_keys import LetterKeyScreen, letter_key
from quizapp.screens.report import ReportScreen
from quizapp.screens.rubric import RubricScreen
from quizapp.store.db import StoreIOError
from quizapp.study.interview import MockInterview, describe_expected
from quizapp.study.recording import Recorder
from quizapp.widgets.answer_input import AnswerInput
from quizapp.widgets.inputs import answer_input_for
from quizapp.widgets.notes_answer import NotesAnswer
from quizapp.widgets.question_card import QuestionCard
from quizapp.widgets.timer import WARNING_SECONDS, Countdown

#: How often the clocks are redrawn and the time-out checked, in seconds.
TICK_SECONDS = 0.25

STATE_MARKS = {"open": "·", "skipped": "?", "answered": "✓", "missed": "✗"}


class MockScreen(LetterKeyScreen):
    """Runs a `MockInterview`; replaced by the report when it is over.

    `s` skip, `b` back, `p` pause; while a text box has focus (or a choice takes the
    letter) the same actions sit on `ctrl+s`, `ctrl+b`, `ctrl+o`, and the footer shows
    whichever works. `escape` twice ends the interview early.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *letter_key("skip", "s", "ctrl+s", "Skip"),
        *letter_key("back", "b", "ctrl+b", "Back"),
        *letter_key("pause", "p", "ctrl+o", "Pause"),
        # While paused `p` says Resume (check_action picks which of the two shows).
        Binding("p", "letter('resume')", "Resume"),
        # Priority: a focused notes box must not swallow the first press.
        Binding("escape", "end", "End interview", priority=True),
    ]

    DEFAULT_CSS = """
    MockScreen #mock-bar { height: 1; background: $boost; }
    MockScreen #mock-marks { width: 1fr; content-align: right middle; color: $text-muted; }
    MockScreen #mock-area { padding: 1 2; }
    MockScreen #mock-paused { height: 1fr; padding: 2 4; }
    MockScreen #mock-status { padding: 1 2; color: $warning; }
    """

    LETTERS: ClassVar[dict[str, str]] = {"skip": "s", "back": "b", "pause": "p", "resume": "p"}

    def __init__(self, interview: MockInterview, grading: GradingService) -> None:
        super().__init__()
        self.interview = interview
        self.grading = BackgroundGrading(self, grading)
        self._ticker: Timer | None = None
        self._confirm_end = False
        self._scoring = False
        self._reported = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="mock-bar"):
            yield Countdown("Total", self.interview.total_seconds, id="total-clock")
            yield Countdown("Question", 0, id="question-clock")
            yield Static("", id="mock-marks", markup=False)
        yield VerticalScroll(id="mock-area")
        with Vertical(id="mock-paused"):
            yield Static(
                "[b]Paused.[/] The clocks are stopped and the question hidden; the pause is "
                "recorded on the report.\nPress [b]p[/] (or [b]ctrl+o[/]) to resume."
            )
        yield Static("", id="mock-status")
        yield Footer()

    async def on_mount(self) -> None:
        self.query_one("#mock-paused").display = False
        self.query_one("#mock-status").display = False
        if not self.interview.started:
            self.interview.start()
        self._ticker = self.set_interval(TICK_SECONDS, self.tick)
        await self.show_question()

    # -- clocks ----------------------------------------------------------------------

    def tick(self) -> None:
        """Redraw the clocks; end the interview when the total clock runs out."""
        if self.interview.check_time():
            self.notify("Time is up: unanswered questions count as missed.", severity="warning")
            self.call_later(self.finish)
            return
        self.refresh_clocks()

    def refresh_clocks(self) -> None:
        """Show the time left on both clocks and each question's state."""
        interview = self.interview
        self.query_one("#total-clock", Countdown).seconds = interview.remaining()
        question_clock = self.query_one("#question-clock", Countdown)
        slot = interview.current
        if slot is not None:
            question_clock.budget = slot.budget
            # A question's budget is often a minute or less: warn in its last quarter.
            question_clock.warn_under = min(WARNING_SECONDS, slot.budget / 4)
        question_clock.seconds = interview.question_remaining()
        marks = " ".join(
            f"[{i + 1}{STATE_MARKS[s.state]}]"
            if i == interview.index
            else f"{i + 1}{STATE_MARKS[s.state]}"
            for i, s in enumerate(interview.slots)
        )
        self.query_one("#mock-marks", Static).update(marks)

    # -- the question ----------------------------------------------------------------

    async def show_question(self) -> None:
        """Replace the question area with the current question and its input."""
        slot = self.interview.current
        area = self.query_one("#mock-area", VerticalScroll)
        await area.remove_children()
        self._confirm_end = False
        if slot is None:
            return
        answer_input: AnswerInput
        if slot.self_scored:
            # The practice inputs reveal the answer; an interview waits for the end.
            answer_input = NotesAnswer(slot.question, id="answer")
        else:
            answer_input = answer_input_for(slot.question)
        card = QuestionCard(slot.question, self.interview.progress(), id="card")
        await area.mount(card, answer_input)
        self.refresh_clocks()
        self.call_after_refresh(answer_input.focus_first)
        # Compute the reference while the candidate reads: the grade needs no wait later.
        self.grading.prefetch([slot.question], [self.interview.pack_dir(slot)])

    def letter_free(self, action: str) -> bool:
        """True when the letter of `action` reaches the screen (nothing types or picks it)."""
        if not super().letter_free(action):
            return False
        slot = self.interview.current
        if slot is not None and isinstance(slot.question, ChoiceQuestion):
            # The choice list takes a..f as answers.
            index = ord(self.LETTERS[action]) - ord("a")
            return not index < len(slot.question.choices)
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        paused = self.interview.paused
        if action not in ("letter", "control"):
            return not (paused and action in ("skip", "back"))
        name = str(parameters[0])
        if (paused and name in ("skip", "back", "pause")) or (name == "resume" and not paused):
            return False
        return super().check_action(action, parameters)

    # -- answering -------------------------------------------------------------------

    async def on_answer_input_submitted(self, event: AnswerInput.Submitted) -> None:
        event.stop()
        index = self.interview.index
        slot = self.interview.answer(event.answer)
        if slot is None:
            self.notify("Time ran out before that answer.", severity="warning")
            await self.finish()
            return
        if not slot.self_scored:
            # Graded while the interview goes on; `Graded` carries the slot's index.
            self.grading.grade(index, slot.question, slot.answer, self.interview.pack_dir(slot))
        await self._moved()

    def on_background_grading_graded(self, message: BackgroundGrading.Graded) -> None:
        assert isinstance(message.tag, int)
        self.interview.accept_grade(message.tag, message.result)
        self.maybe_report()

    def on_background_grading_reference_ready(
        self, message: BackgroundGrading.ReferenceReady
    ) -> None:
        assert isinstance(message.tag, int)
        self._expected(message.tag, message.reference, message.failure)
        self.maybe_report()

    def _expected(self, index: int, reference: Reference | None, failure: str | None) -> None:
        slot = self.interview.slots[index]
        if failure is not None:
            self.interview.accept_expected(index, f"(could not compute: {failure})")
        else:
            self.interview.accept_expected(index, describe_expected(slot.question, reference))

    async def _moved(self) -> None:
        if self.interview.finished:
            await self.finish()
        else:
            await self.show_question()

    # -- actions ---------------------------------------------------------------------

    async def action_skip(self) -> None:
        """Leave the question unanswered for now; come back with `b`."""
        if self.interview.paused or not self.interview.running:
            return
        if not self.interview.skip():
            if self.interview.finished:
                await self.finish()
            else:
                self.notify("This is the last unanswered question: answer it, or escape to end.")
            return
        await self._moved()

    async def action_back(self) -> None:
        """Go back to the nearest earlier question left unanswered."""
        if self.interview.paused or not self.interview.running:
            return
        if not self.interview.back():
            if self.interview.finished:
                await self.finish()
            else:
                self.notify("No earlier question is unanswered.")
            return
        await self.show_question()

    async def action_resume(self) -> None:
        """Resume after a pause (`p` while paused)."""
        if self.interview.paused:
            await self.action_pause()

    async def action_pause(self) -> None:
        """Pause or resume: the question is hidden while the clocks are stopped."""
        if not self.interview.running:
            return
        paused = not self.interview.paused
        if paused:
            self.interview.pause()
        else:
            self.interview.resume()
        self.query_one("#mock-area").display = not paused
        self.query_one("#mock-paused").display = paused
        self.refresh_clocks()
        if not paused:
            answer_input = self.query(AnswerInput).first(AnswerInput)
            self.call_after_refresh(answer_input.focus_first)
        else:
            self.set_focus(None)
        self.refresh_bindings()

    async def action_end(self) -> None:
        """End the interview early (press twice): unanswered questions count as skipped."""
        if not self.interview.running:
            return
        if not self._confirm_end:
            self._confirm_end = True
            self.notify("Press escape again to end the interview now.")
            return
        self.interview.end()
        await self.finish()

    # -- quitting the app --------------------------------------------------------------

    def request_quit(self) -> bool:
        """The app is asked to quit: confirm first while the interview is on.

        Returns:
            True when this screen took the request over (the app must not quit yet).
        """
        if self._reported or not self.interview.started:
            return False
        if isinstance(self.app.screen, ConfirmQuit):
            self.app.screen.dismiss(True)  # quit pressed again on the question: yes
            return True
        self.app.push_screen(ConfirmQuit(), self._quit_answered)
        return True

    def _quit_answered(self, quit_now: bool | None) -> None:
        if not quit_now:
            return
        self.save_early()
        self.app.exit()

    def save_early(self) -> None:
        """Store the report of what was answered so far, marked ended early."""
        if self._reported:
            return
        if self._ticker is not None:
            self._ticker.stop()
        self.interview.quit_now()
        self._reported = True
        self.interview.save()

    # -- the end ---------------------------------------------------------------------

    async def finish(self) -> None:
        """Stop the clocks, fetch missing references, then self-scoring and the report."""
        if self._scoring:
            return
        self._scoring = True
        if self._ticker is not None:
            self._ticker.stop()
        self.refresh_clocks()
        await self.query_one("#mock-area", VerticalScroll).remove_children()
        self.query_one("#mock-paused").display = False
        self.query_one("#mock-area").display = True
        for index in self.interview.needs_expected():
            self.resolve_expected(index)
        to_score = self.interview.needs_self_score()
        if to_score:
            slots = [self.interview.slots[i] for i in to_score]
            self.app.push_screen(RubricScreen(slots), partial(self._scored, to_score))
        else:
            self.maybe_report()

    def resolve_expected(self, index: int) -> None:
        """The reference of an unanswered question: at once if typed or cached, else a worker."""
        slot = self.interview.slots[index]
        lookup = self.grading.reference(index, slot.question, self.interview.pack_dir(slot))
        if not lookup.pending:
            self._expected(index, lookup.reference, lookup.failure)

    def _scored(self, indices: list[int], ticks: dict[int, tuple[int, ...]] | None) -> None:
        for position, index in enumerate(indices):
            self.interview.self_score(index, (ticks or {}).get(position, ()))
        self.maybe_report()

    def maybe_report(self) -> None:
        """Once the interview is over and every grade is in: save and show the report."""
        if self._reported or not self.interview.finished:
            return
        if not self.interview.ready:
            self._show_waiting()
            return
        self._reported = True
        try:
            report, _row = self.interview.save()
        except StoreIOError as error:
            # A full disk: the report is still the candidate's to read, just not kept.
            report = self.interview.report()
            self.notify(
                f"This interview's report could not be saved ({error}); it is shown only.",
                title="Not saved",
                severity="error",
                timeout=15,
            )
        recorder = Recorder.of(self.interview.store)
        if recorder.error is not None:
            self.notify(
                f"{len(recorder.waiting)} answer(s) could not be saved ({recorder.error}). "
                "They are kept, and saved with your next answer once the store can take them.",
                title="Not saved",
                severity="error",
                timeout=15,
            )
        self.app.switch_screen(ReportScreen(report))

    def _show_waiting(self) -> None:
        pending = len(self.interview.pending_grades()) + len(self.interview.needs_expected())
        status = self.query_one("#mock-status", Static)
        status.display = bool(pending)
        status.update(
            f"Interview over. Waiting for {pending} executed answer(s) to be graded by the "
            "reference worker…"
        )
