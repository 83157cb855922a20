"""Pilot tests: a whole mock interview in the TUI, with a clock the tests move by hand."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import SIZE, Clock

from quizapp import locations
from quizapp.app import QuizApp
from quizapp.grading.result import GradeResult
from quizapp.grading.service import GradingService
from quizapp.packs.models import AnyQuestion
from quizapp.packs.registry import Registry
from quizapp.screens.home import HomeScreen
from quizapp.screens.mock_interview import MockScreen
from quizapp.screens.mock_setup import MockSetupScreen
from quizapp.screens.practice import PracticeScreen
from quizapp.screens.report import ReportScreen
from quizapp.screens.rubric import RubricScreen
from quizapp.store.db import Store
from quizapp.study.interview import MockOptions
from quizapp.study.planning import Filters
from quizapp.study.report import from_json
from quizapp.widgets.mock_history import MockHistory
from quizapp.widgets.timer import Countdown

pytestmark = pytest.mark.anyio

MOCK_PACKS = Path(__file__).parent / "mock"
#: A fixed seed: the same interview order in every run.
ORDER_SEED = 1
SEEDED = MockOptions(seed=ORDER_SEED)


def mock_app(
    store: Store,
    clock: Clock,
    grading: GradingService | None = None,
    mock: MockOptions | None = SEEDED,
) -> QuizApp:
    return QuizApp(
        registry=Registry.load([MOCK_PACKS]),
        store=store,
        grading=grading if grading is not None else GradingService(cache=store),
        clock=clock,
        mock=mock,
    )


def mock_screen(app: QuizApp) -> MockScreen:
    screen = app.screen
    assert isinstance(screen, MockScreen), screen
    return screen


RIGHT = {
    "noise-pred": "a",
    "latent-shape": "1x4x64x64",
    "scaling-factor": "0.18215",
    "step-aloud": "model predicts noise, step updates",
    "owner": "the scheduler",
}


async def answer_current(pilot: Pilot[None], text: str | None = None) -> None:
    """Answer the question on screen as its input expects (right unless `text`)."""
    screen = mock_screen(pilot.app)  # type: ignore[arg-type]
    slot = screen.interview.current
    assert slot is not None
    typed = RIGHT[slot.question.id] if text is None else text
    if slot.question.type == "choice":
        await pilot.press(typed)
    elif slot.self_scored:
        await pilot.press(*typed, "ctrl+r")
    else:
        await pilot.press(*typed, "enter")
    await pilot.pause()


async def test_whole_interview_rubric_report_and_history(store: Store) -> None:
    clock = Clock()
    app = mock_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = mock_screen(app)
        ids = [slot.question.id for slot in screen.interview.slots]
        assert sorted(ids) == sorted(RIGHT)
        for _ in ids:
            clock.advance(seconds=20)
            await answer_current(pilot)
        # Two self-scored questions (flashcard, explain) are scored on the rubric screen.
        assert isinstance(app.screen, RubricScreen)
        order = [slot.question.id for slot in app.screen.slots]
        for question_id in order:
            if question_id == "step-aloud":
                await pilot.press("space", "down", "down", "space", "enter")  # 2 of 3
            else:
                await pilot.press("space", "enter")
            await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        report = app.screen.report
        by_id = {item.question_id: item for item in report.items}
        assert by_id["step-aloud"].credit == pytest.approx(2 / 3)
        assert by_id["owner"].credit == 1.0
        assert all(by_id[q].correct for q in ("noise-pred", "latent-shape", "scaling-factor"))
        assert report.score == pytest.approx((4 + 2 / 3) / 5)
        assert all(item.seconds == 20 for item in report.items)
        stored = store.mock_session()
        assert stored is not None and from_json(stored.report_json) == report
        assert {row.mode for row in store.reviews()} == {"mock"}
        assert len(store.reviews()) == 5
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "latest 93%" in str(app.screen.query_one(MockHistory).render())


async def test_skip_back_and_no_feedback_during_the_interview(store: Store) -> None:
    clock = Clock()
    app = mock_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = mock_screen(app)
        first = screen.interview.current
        assert first is not None
        await pilot.press("ctrl+s")  # works whether or not a text box has focus
        await pilot.pause()
        assert screen.interview.index == 1 and first.state == "skipped"
        await answer_current(pilot, text=None)
        # Nothing on screen says right or wrong.
        text = " ".join(str(w.render()) for w in screen.query("Static"))
        assert "correct" not in text.lower() and "wrong" not in text.lower()
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert screen.interview.current is first
        await answer_current(pilot)
        assert first.state == "answered"


async def test_letters_work_when_nothing_types(store: Store) -> None:
    clock = Clock()
    app = mock_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = mock_screen(app)
        # Move to the choice question: letters s and p are free there, b is a choice.
        while screen.interview.current and screen.interview.current.question.type != "choice":
            await pilot.press("ctrl+s")
            await pilot.pause()
        keys = {binding.key: binding.description for binding in _shown(app)}
        assert keys.get("s") == "Skip" and keys.get("p") == "Pause"
        assert keys.get("ctrl+b") == "Back" and "b" not in keys
        await pilot.press("p")
        await pilot.pause()
        assert screen.interview.paused
        assert not screen.query_one("#mock-area").display
        assert {b.key: b.description for b in _shown(app)}.get("p") == "Resume"
        await pilot.press("p")
        await pilot.pause()
        assert not screen.interview.paused


def _shown(app: QuizApp) -> list:  # type: ignore[type-arg]
    return [
        active.binding
        for active in app.screen.active_bindings.values()
        if active.binding.show and active.enabled
    ]


async def test_pause_stops_the_clocks_and_is_on_the_report(store: Store) -> None:
    clock = Clock()
    app = mock_app(store, clock, mock=MockOptions(seed=ORDER_SEED, minutes=5))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = mock_screen(app)
        clock.advance(seconds=30)
        screen.tick()
        assert screen.query_one("#total-clock", Countdown).seconds == 270
        await pilot.press("ctrl+o")
        await pilot.pause()
        clock.advance(seconds=600)  # longer than the clock: paused, so no time-out
        screen.tick()
        await pilot.pause()
        assert screen.interview.running
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert screen.interview.paused_seconds == 600
        await answer_current(pilot)  # with nothing answered, ending would discard it
        await pilot.press("escape", "escape")
        await pilot.pause()
        await app.workers.wait_for_complete()
        while isinstance(app.screen, RubricScreen):
            await pilot.press("space", "enter")
            await pilot.pause()
        await pilot.pause()
        report_screen = app.screen
        assert isinstance(report_screen, ReportScreen)
        assert report_screen.report.paused_seconds == 600


async def test_time_out_ends_the_interview_and_marks_the_rest_missed(store: Store) -> None:
    clock = Clock()
    app = mock_app(store, clock, mock=MockOptions(seed=ORDER_SEED, minutes=2))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = mock_screen(app)
        clock.advance(seconds=10)
        await answer_current(pilot)
        clock.advance(seconds=50)
        screen.tick()
        total = screen.query_one("#total-clock", Countdown)
        assert total.seconds == 60 and total.has_class("warning") is False
        clock.advance(seconds=1)
        screen.tick()
        assert total.has_class("warning")
        clock.advance(seconds=120)
        screen.tick()
        await pilot.pause()
        await pilot.pause()
        # The first answer may have been self-scored; finish any rubric.
        while isinstance(app.screen, RubricScreen):
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        statuses = [item.status for item in app.screen.report.items]
        assert statuses == ["answered"] + ["missed"] * 4
        assert app.screen.report.elapsed_seconds == 120


class SlowGrading(GradingService):
    """Grades executed-like answers only once the test lets it, in the worker thread."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def grade(self, question: AnyQuestion, answer: str, pack_dir: Path | None) -> GradeResult:
        if question.type == "shape":
            assert self.release.wait(5)
        return super().grade(question, answer, pack_dir)


async def test_report_waits_for_background_grades(store: Store) -> None:
    clock = Clock()
    grading = SlowGrading()
    app = mock_app(
        store, clock, grading=grading, mock=MockOptions(Filters(topic="latents"), seed=ORDER_SEED)
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = mock_screen(app)
        await answer_current(pilot)
        await answer_current(pilot)
        await pilot.pause()
        # Over, but the shape answer is still being graded.
        assert screen.interview.finished
        assert app.screen is screen
        assert "Waiting for 1" in str(screen.query_one("#mock-status").render())
        grading.release.set()
        for _ in range(50):
            await pilot.pause(0.05)
            if isinstance(app.screen, ReportScreen):
                break
        await pilot.pause()  # let the report's header mount before the app closes
        assert isinstance(app.screen, ReportScreen)
        assert all(item.correct for item in app.screen.report.items)


async def test_report_exports_markdown_and_practises_the_weakest(store: Store) -> None:
    clock = Clock()
    app = mock_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = mock_screen(app)
        while screen.interview.running:
            slot = screen.interview.current
            assert slot is not None
            wrong = {"noise-pred": "b", "latent-shape": "1x3x512x512"}.get(slot.question.id)
            await answer_current(pilot, wrong)
        while isinstance(app.screen, RubricScreen):
            await pilot.press("space", "enter")
            await pilot.pause()
        report_screen = app.screen
        assert isinstance(report_screen, ReportScreen)
        report = report_screen.report
        assert report.traps and report.weakest_objective is not None
        await pilot.press("m")
        await pilot.pause()
        files = list(locations.reports_dir().glob("mock-*.md"))
        assert len(files) == 1
        text = files[0].read_text()
        assert "# Mock interview" in text and "Trap" in text
        assert str(files[0]) in str(report_screen.query_one("#report-export").render())
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        assert {item.pack_id for item in app.screen.session.items} == {"mock-test"}


async def test_home_m_starts_a_mock(store: Store) -> None:
    app = mock_app(store, Clock(), mock=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "none yet" in str(app.screen.query_one(MockHistory).render())
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MockSetupScreen)
        await pilot.press("enter")  # the defaults
        await pilot.pause()
        assert isinstance(app.screen, MockScreen)
        assert len(app.screen.interview.slots) == 5


async def test_the_setup_screen_starts_what_it_says_and_remembers_it(store: Store) -> None:
    app = mock_app(store, Clock(), mock=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        setup = app.screen
        assert isinstance(setup, MockSetupScreen)
        assert "40%" in str(setup.query_one("#setup-why").render())  # which share, and why
        setup.query_one("#setup-questions", Input).value = "abc"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is setup
        assert "questions: a whole number" in str(setup.query_one("#setup-error").render())
        setup.query_one("#setup-questions", Input).value = "3"
        setup.query_one("#setup-minutes", Input).value = "2.5"
        setup.query_one("#setup-share", Input).value = "0"
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MockScreen)
        interview = screen.interview
        assert len(interview.slots) == 3 and interview.total_seconds == 150
        assert not any(slot.question.executed for slot in interview.slots)
        await pilot.press("escape", "escape")  # nothing answered: discarded
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        again = app.screen
        assert isinstance(again, MockSetupScreen)
        assert again.query_one("#setup-questions", Input).value == "3"
        assert again.query_one("#setup-minutes", Input).value == "2.5"
        assert again.query_one("#setup-share", Input).value == "0"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_mock_screens_import_no_torch() -> None:
    """The UI process never imports torch: the mock screens grade through the worker."""
    code = (
        "import json, sys\n"
        "import quizapp.screens.mock_interview, quizapp.screens.report, quizapp.screens.rubric\n"
        "import quizapp.commands.interviews\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    assert "torch" not in loaded and "diffusers" not in loaded
