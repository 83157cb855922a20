"""The mock interview: one question at a time against the clock, no feedback until the end.

Answers are graded in thread workers while the interview goes on (executed ones wait for
the reference worker); each worker answers with a message. When the interview ends (all
answered, ended early, or the clock ran out) explain and flashcard answers are self-scored
on the rubric screen, then the report is saved and shown.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, WorkerState

from quizapp.grading.client import ProbeFailed
from quizapp.grading.parsers import AnswerSyntaxError
from quizapp.grading.result import GradeResult
from quizapp.grading.service import GradingService
from quizapp.packs.models import ChoiceQuestion
from quizapp.screens.confirm_quit import ConfirmQuit
from quizapp.screens.report import ReportScreen
from quizapp.screens.rubric import RubricScreen
from quizapp.study.interview import MockInterview, Slot, describe_expected
from quizapp.widgets.answer_input import AnswerInput, is_typing
from quizapp.widgets.inputs import answer_input_for
from quizapp.widgets.notes_answer import NotesAnswer
from quizapp.widgets.question_card import QuestionCard
from quizapp.widgets.timer import WARNING_SECONDS, Countdown

if TYPE_CHECKING:
    from quizapp.app import QuizApp

#: How often the clocks are redrawn and the time-out checked, in seconds.
TICK_SECONDS = 0.25

STATE_MARKS = {"open": "·", "skipped": "?", "answered": "✓", "missed": "✗"}


class MockScreen(Screen[None]):
    """Runs a `MockInterview`; replaced by the report when it is over.

    `s` skip, `b` back, `p` pause; while a text box has focus (or a choice takes the
    letter) the same actions sit on `ctrl+s`, `ctrl+b`, `ctrl+o`, and the footer shows
    whichever works. `escape` twice ends the interview early.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "letter('skip')", "Skip"),
        Binding("b", "letter('back')", "Back"),
        Binding("p", "letter('pause')", "Pause"),
        Binding("p", "letter('resume')", "Resume"),
        # Each control key twice: shown when its letter cannot be used, always working.
        Binding("ctrl+s", "control('skip')", "Skip"),
        Binding("ctrl+s", "skip", "Skip", show=False),
        Binding("ctrl+b", "control('back')", "Back"),
        Binding("ctrl+b", "back", "Back", show=False),
        Binding("ctrl+o", "control('pause')", "Pause"),
        Binding("ctrl+o", "pause", "Pause", show=False),
        # Priority: a focused notes box must not swallow the first press.
        Binding("escape", "end", "End interview", priority=True),
    ]

    DEFAULT_CSS = """
    MockScreen #mock-bar { height: 1; background: $boost; }
    MockScreen #mock-marks { width: 1fr; content-align: right middle; color: $text-muted; }
    MockScreen #mock-area { padding: 1 2; }
    MockScreen #mock-area #answer { margin-top: 1; }
    MockScreen #mock-area #answer-notes { height: 8; }
    MockScreen #mock-paused { height: 1fr; padding: 2 4; }
    MockScreen #mock-status { padding: 1 2; color: $warning; }
    """

    LETTERS: ClassVar[dict[str, str]] = {"skip": "s", "back": "b", "pause": "p", "resume": "p"}

    class Graded(Message):
        """A grading worker finished one answer."""

        def __init__(self, index: int, result: GradeResult) -> None:
            super().__init__()
            self.index = index
            self.result = result

    class Expected(Message):
        """A worker computed the reference answer of an unanswered question."""

        def __init__(self, index: int, expected: str) -> None:
            super().__init__()
            self.index = index
            self.expected = expected

    def __init__(self, interview: MockInterview, grading: GradingService) -> None:
        super().__init__()
        self.interview = interview
        self.grading = grading
        self._ticker: Timer | None = None
        self._confirm_end = False
        self._scoring = False
        self._reported = False

    @property
    def quiz(self) -> QuizApp:
        """The app, typed."""
        return cast("QuizApp", self.app)

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

    @property
    def typing(self) -> bool:
        """True while printable keys type into a text box."""
        return is_typing(self.focused)

    def letter_free(self, action: str) -> bool:
        """True when the letter of `action` reaches the screen (nothing types or picks it)."""
        if self.typing:
            return False
        slot = self.interview.current
        if slot is not None and isinstance(slot.question, ChoiceQuestion):
            # The choice list takes a..f as answers.
            index = ord(self.LETTERS[action]) - ord("a")
            return not index < len(slot.question.choices)
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        paused = self.interview.paused
        if action in ("hint", "flag"):
            return False  # the practice inputs' keys: no hints or flags in an interview
        if action not in ("letter", "control"):
            return not (paused and action in ("skip", "back"))
        name = str(parameters[0])
        if (paused and name in ("skip", "back", "pause")) or (name == "resume" and not paused):
            return False
        free = self.letter_free(name)
        return free if action == "letter" else not free

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

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
            self.grade_in_background(index, slot)
        await self._moved()

    def grade_in_background(self, index: int, slot: Slot) -> None:
        """Grade one answer in a thread worker; the result comes back as `Graded`."""
        self.run_worker(
            partial(self._grade, index, slot),
            name=f"grade-{index}",
            group="mock-grading",
            thread=True,
            exit_on_error=False,
        )

    def _grade(self, index: int, slot: Slot) -> None:
        # Runs in a thread: no widget is touched, the answer goes back as a message.
        question, answer = slot.question, slot.answer
        try:
            result = self.grading.grade(question, answer, self.interview.pack_dir(slot))
        except AnswerSyntaxError as error:
            result = GradeResult(None, "", answer, f"could not read the answer: {error}")
        self.post_message(self.Graded(index, result))

    def _expect(self, index: int, slot: Slot) -> None:
        # Runs in a thread: the reference of a question left unanswered, for the report.
        try:
            reference = self.grading.reference(slot.question, self.interview.pack_dir(slot))
            expected = describe_expected(slot.question, reference)
        except ProbeFailed as failure:
            expected = f"(could not compute: {failure.reason})"
        self.post_message(self.Expected(index, expected))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed still resolves its question, so the report is not stuck."""
        worker = event.worker
        if event.state != WorkerState.ERROR or worker.group not in (
            "mock-grading",
            "mock-expected",
        ):
            return
        index = int(worker.name.rsplit("-", 1)[1])
        reason = f"could not grade: {worker.error}"
        if worker.group == "mock-grading":
            slot = self.interview.slots[index]
            self.on_mock_screen_graded(
                self.Graded(index, GradeResult(None, "?", slot.answer, reason))
            )
        else:
            self.on_mock_screen_expected(self.Expected(index, f"({reason})"))

    def on_mock_screen_graded(self, message: Graded) -> None:
        self.interview.accept_grade(message.index, message.result)
        self.maybe_report()

    def on_mock_screen_expected(self, message: Expected) -> None:
        self.interview.accept_expected(message.index, message.expected)
        self.maybe_report()

    async def _moved(self) -> None:
        if self.interview.finished:
            await self.finish()
        else:
            await self.show_question()

    # -- actions ---------------------------------------------------------------------

    async def action_letter(self, action: str) -> None:
        """`s`, `b`, `p` when no text box or choice list takes the letter."""
        await self._run(action)

    async def action_control(self, action: str) -> None:
        """`ctrl+s`, `ctrl+b`, `ctrl+o`, shown in the footer when the letter is taken."""
        await self._run(action)

    async def _run(self, action: str) -> None:
        if action == "skip":
            await self.action_skip()
        elif action == "back":
            await self.action_back()
        elif action in ("pause", "resume"):
            await self.action_pause()

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
        try:
            reference = self.grading.cached_reference(slot.question, self.interview.pack_dir(slot))
        except ProbeFailed as failure:
            self.interview.accept_expected(index, f"(could not compute: {failure.reason})")
            return
        if reference is not None or not slot.question.executed:
            self.interview.accept_expected(index, describe_expected(slot.question, reference))
            return
        self.run_worker(
            partial(self._expect, index, slot),
            name=f"expect-{index}",
            group="mock-expected",
            thread=True,
            exit_on_error=False,
        )

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
        report, _row = self.interview.save()
        self.app.switch_screen(ReportScreen(report))

    def _show_waiting(self) -> None:
        pending = len(self.interview.pending_grades()) + len(self.interview.needs_expected())
        status = self.query_one("#mock-status", Static)
        status.display = bool(pending)
        status.update(
            f"Interview over. Waiting for {pending} executed answer(s) to be graded by the "
            "reference worker…"
        )
