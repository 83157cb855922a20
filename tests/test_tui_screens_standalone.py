"""Screens without a QuizApp: they read a `StudyContext` and post intents up.

Each screen is pushed on a bare test app that records the messages reaching it, so these
tests pin the contract between screens and whatever app hosts them (QuizApp, the preview).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest
from textual.app import App
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from tui_helpers import BASIC_PACKS, SIZE, Clock

from quizapp.grading.errors import ProbeFailed
from quizapp.grading.grader import Reference
from quizapp.grading.result import GradeResult
from quizapp.grading.service import GradingService
from quizapp.packs.models import AnyQuestion
from quizapp.packs.registry import Registry
from quizapp.screens.background_grading import BackgroundGrading
from quizapp.screens.home import HomeScreen
from quizapp.screens.messages import (
    BrowseRequested,
    MockRequested,
    PracticeRequested,
    StatsRequested,
)
from quizapp.screens.report import ReportScreen
from quizapp.screens.stats import StatsScreen
from quizapp.store.db import Store
from quizapp.study.context import StudyContext

pytestmark = pytest.mark.anyio


class Host(App[None]):
    """A bare app: shows one screen and keeps every intent it receives."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.first = screen
        self.intents: list[Message] = []

    def on_mount(self) -> None:
        self.push_screen(self.first)

    def on_practice_requested(self, message: PracticeRequested) -> None:
        self.intents.append(message)

    def on_mock_requested(self, message: MockRequested) -> None:
        self.intents.append(message)

    def on_browse_requested(self, message: BrowseRequested) -> None:
        self.intents.append(message)

    def on_stats_requested(self, message: StatsRequested) -> None:
        self.intents.append(message)


def context(store: Store) -> StudyContext:
    return StudyContext.of(store, Clock(), Registry.load([BASIC_PACKS]))


async def test_home_posts_intents_instead_of_calling_the_app(store: Store) -> None:
    app = Host(HomeScreen(context(store)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p", "enter", "c", "m", "b", "t")
        await pilot.pause()
    kinds = [type(intent).__name__ for intent in app.intents]
    assert kinds == [
        "PracticeRequested",
        "PracticeRequested",
        "PracticeRequested",
        "MockRequested",
        "BrowseRequested",
        "StatsRequested",
    ]
    practise_all, practise_pack, cram = app.intents[:3]
    assert isinstance(practise_all, PracticeRequested) and practise_all.options is None
    assert isinstance(practise_pack, PracticeRequested) and practise_pack.options is not None
    assert practise_pack.options.filters.pack == "ui-basics" and not practise_pack.options.cram
    assert isinstance(cram, PracticeRequested) and cram.options is not None
    assert cram.options.cram
    browse = app.intents[4]
    assert isinstance(browse, BrowseRequested) and browse.pack_id == "ui-basics"


async def test_home_loads_the_packs_after_its_first_frame(store: Store) -> None:
    loads: list[int] = []

    def load() -> Registry:
        loads.append(1)
        return Registry.load([BASIC_PACKS])

    study = StudyContext(store, Clock(), load)
    assert not study.packs_loaded
    app = Host(HomeScreen(study))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        summary = str(app.screen.query_one("#home-summary", Static).render())
    assert loads == [1] and study.packs_loaded
    assert "new" in summary and "Loading" not in summary


async def test_stats_reads_only_its_context(store: Store) -> None:
    app = Host(StatsScreen(context(store)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#stats-packs") is not None
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StatsScreen)


# -- grading from a screen --------------------------------------------------------------


class Broken(GradingService):
    """A grading service with a bug: every call raises."""

    def grade(self, question: AnyQuestion, answer: str, pack_dir: Path | None) -> GradeResult:
        raise RuntimeError("boom\nin two lines")

    def reference(self, question: AnyQuestion, pack_dir: Path | None) -> Reference | None:
        raise RuntimeError("kaput")

    def cached_reference(self, question: AnyQuestion, pack_dir: Path | None) -> Reference | None:
        return None


class Failing(Broken):
    """The probe cannot run: a `ProbeFailed`, known before any worker starts."""

    def cached_reference(self, question: AnyQuestion, pack_dir: Path | None) -> Reference | None:
        raise ProbeFailed("no model at ./nowhere")


class Grades(Screen[None]):
    """Collects what a `BackgroundGrading` posts."""

    def __init__(self, grading: GradingService) -> None:
        super().__init__()
        self.grading = BackgroundGrading(self, grading)
        self.received: list[Message] = []

    def on_background_grading_graded(self, message: BackgroundGrading.Graded) -> None:
        self.received.append(message)

    def on_background_grading_reference_ready(
        self, message: BackgroundGrading.ReferenceReady
    ) -> None:
        self.received.append(message)


def executed_question() -> AnyQuestion:
    for _loaded, question in Registry.load([BASIC_PACKS.parent / "executed"]).questions():
        if question.executed:
            return question
    raise AssertionError("the executed test pack has an executed question")


async def test_a_bug_in_grading_becomes_an_ungraded_result() -> None:
    screen = Grades(Broken())
    question = executed_question()
    async with Host(screen).run_test(size=SIZE) as pilot:
        screen.grading.grade(7, question, " 0.5 ", None)
        lookup = screen.grading.reference(8, question, None)
        assert lookup.pending
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    graded, ready = sorted(screen.received, key=lambda m: type(m).__name__)
    assert isinstance(graded, BackgroundGrading.Graded) and graded.tag == 7
    assert graded.result == GradeResult(None, "?", "0.5", "could not grade: boom in two lines")
    assert graded.unreadable is None
    assert isinstance(ready, BackgroundGrading.ReferenceReady) and ready.tag == 8
    assert ready.reference is None and ready.failure == "kaput"


async def test_a_known_probe_failure_needs_no_worker() -> None:
    screen = Grades(Failing())
    async with Host(screen).run_test(size=SIZE) as pilot:
        lookup = screen.grading.reference(1, executed_question(), None)
        await pilot.pause()
    assert lookup.failure == "no model at ./nowhere" and not lookup.pending
    assert screen.received == [] and not screen.grading.waits_for_worker(executed_question(), None)


async def test_an_unreadable_answer_says_why() -> None:
    screen = Grades(GradingService())
    question = next(q for _p, q in Registry.load([BASIC_PACKS]).questions() if q.type == "numeric")
    async with Host(screen).run_test(size=SIZE) as pilot:
        screen.grading.grade(None, question, "half", None)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    [graded] = screen.received
    assert isinstance(graded, BackgroundGrading.Graded)
    assert graded.unreadable and not graded.result.graded
    assert graded.result.detail == f"could not grade: {graded.unreadable}"


def test_no_screen_reaches_up_into_the_app() -> None:
    # Attributes down, messages up: a screen that names QuizApp could not run in the preview.
    screens = Path(ReportScreen.__module__.replace(".", "/")).parent
    folder = Path(__file__).parent.parent / screens
    offenders = [
        path.name for path in folder.glob("*.py") if "from quizapp.app import" in path.read_text()
    ]
    assert offenders == []


# -- help is read from the bindings ------------------------------------------------------


def test_help_lists_every_key_of_every_screen() -> None:
    from textual.binding import Binding

    from quizapp.screens.help import help_markdown, key_name, quizapp_key_owners

    owners = quizapp_key_owners()
    page = help_markdown(owners)
    for where, owner in owners:
        for binding in Binding.make_bindings(owner.BINDINGS):
            assert f"| {where} |" in page
            assert f"`{key_name(binding)}`" in page, (where, binding.key)


def test_help_follows_a_new_binding() -> None:
    from textual.binding import Binding, BindingType

    from quizapp.screens.help import help_markdown

    class Quiet(Screen[None]):
        BINDINGS: ClassVar[list[BindingType]] = [
            Binding("z", "letter('zap')", "Zap"),
            Binding("ctrl+z", "zap", "Zap"),
        ]

        def action_zap(self) -> None:
            """Zap the question."""

    page = help_markdown([("quiet", Quiet)])
    assert "| quiet | `z` / `ctrl+z` | Zap the question. |" in page
