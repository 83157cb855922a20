"""The Textual app: builds the services once, pushes screens, holds app-wide commands.

It wires, it does not decide: planning lives in `study/`, grading in `grading/`, progress in
`store/`. Screens get what they read (a `StudyContext`, the grading service) and post intents
(`screens/messages.py`) that the app turns into sessions and screens.

Everything has a default built from `locations`, so `QuizApp()` runs headless in tests and
benchmarks; the clock is injectable so that snapshots and tests are deterministic.

Start-up budget (first frame within 1.3x a bare Textual app): importing the pack models
(pydantic), the grading service and the screens behind the home screen costs more than the
budget allows, so those are imported where first used, and the default registry is loaded
by the home screen's thread worker right after its first frame.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from quizapp import locations, startup_gc
from quizapp.app_crash import CrashToLog
from quizapp.screens.home import HomeScreen
from quizapp.screens.messages import (
    BrowseRequested,
    MockRequested,
    PracticeRequested,
    StatsRequested,
)
from quizapp.store.db import Store
from quizapp.study.context import StudyContext

if TYPE_CHECKING:
    from quizapp.grading.service import GradingService
    from quizapp.packs.models import AnyQuestion
    from quizapp.packs.registry import Registry
    from quizapp.study.clock import Clock
    from quizapp.study.interview import MockOptions
    from quizapp.study.practice import PracticeOptions


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


class QuizApp(CrashToLog):
    """quizapp's TUI.

    Args:
        registry: Loaded packs; default: bundled, user and `pack_dirs` packs, loaded on first
            use (the home screen asks from a thread worker after its first frame).
        store: The progress store; default: `Store.open(locations.db_path())`, which
            raises `StoreError` for a corrupt or foreign file (never overwritten).
        grading: The grading service; default: one caching in `store`.
        clock: Returns the current aware UTC time.
        start: Open straight into a practice session with these options.
        mock: Open straight into a mock interview with these options.
        pack_dirs: `--packs` folders, loaded with the default registry.
    """

    TITLE = "quizapp"
    SUB_TITLE = "diffusion interview practice"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help"),
        Binding("f1", "help", "Help", show=False),
    ]

    def __init__(
        self,
        registry: Registry | None = None,
        store: Store | None = None,
        grading: GradingService | None = None,
        clock: Clock | None = None,
        start: PracticeOptions | None = None,
        mock: MockOptions | None = None,
        pack_dirs: Iterable[Path] = (),
    ) -> None:
        super().__init__()
        self._pack_dirs = list(pack_dirs)
        self._services_lock = threading.Lock()
        self._owns_store = store is None
        self.store = store if store is not None else Store.open(locations.db_path())
        self._owns_grading = grading is None
        self._grading = grading
        self.clock: Clock = clock or utc_now
        if registry is not None:
            self.context = StudyContext.of(self.store, self.clock, registry)
        else:
            self.context = StudyContext(self.store, self.clock, self._load_packs)
            # Counts may come from the pack summary cache before the packs load.
            self.context.pack_folders = self._pack_folders()
        self.start = start
        self.mock = mock

    # -- lifecycle -------------------------------------------------------------------

    def on_mount(self) -> None:
        self.push_screen(HomeScreen(self.context))
        # After the first frame: see startup_gc.
        self.call_after_refresh(startup_gc.settle)
        if self.start is not None:
            self.start_practice(self.start)
        if self.mock is not None:
            self.start_mock(self.mock)

    def on_unmount(self) -> None:
        if self._owns_grading and self._grading is not None:
            self._grading.close()
        if self._owns_store:
            self.store.close()

    # -- services, built on first use ------------------------------------------------

    def _load_packs(self) -> Registry:
        """Bundled, user and `--packs` packs (the context calls this once, on first use)."""
        from quizapp.packs.files import default_folders
        from quizapp.packs.summary_cache import load_and_remember

        return load_and_remember(default_folders(self._pack_dirs))

    def _pack_folders(self) -> list[Path]:
        from quizapp.packs.files import default_folders

        return default_folders(self._pack_dirs)

    @property
    def registry(self) -> Registry:
        """The loaded packs (loaded on first use)."""
        return self.context.registry

    @property
    def grading(self) -> GradingService:
        """The grading service; the default caches computed references in the store."""
        with self._services_lock:
            if self._grading is None:
                from quizapp.grading.service import GradingService

                self._grading = GradingService(cache=self.store)
            return self._grading

    # -- what screens ask of the app -------------------------------------------------

    def on_practice_requested(self, message: PracticeRequested) -> None:
        self.start_practice(message.options, cram_if_none_due=message.cram_if_none_due)

    def on_mock_requested(self, message: MockRequested) -> None:
        self.start_mock(message.options)

    def on_browse_requested(self, message: BrowseRequested) -> None:
        self.browse(message.pack_id)

    def on_stats_requested(self, message: StatsRequested) -> None:
        self.action_stats()

    def start_practice(
        self, options: PracticeOptions | None = None, *, cram_if_none_due: bool = False
    ) -> None:
        """Plan a session and open it; with nothing to practise, say so.

        Args:
            cram_if_none_due: With nothing due or new, drill the matching questions anyway.
        """
        from quizapp.screens.practice import PracticeScreen
        from quizapp.study.practice import PracticeOptions, PracticeSession

        options = options or PracticeOptions()
        context = self.context
        items, pack_dirs = context.items(), context.pack_dirs()
        session = PracticeSession.plan(items, self.store, self.clock, options, pack_dirs)
        if not session.items and cram_if_none_due and not options.cram:
            options = replace(options, cram=True)
            session = PracticeSession.plan(items, self.store, self.clock, options, pack_dirs)
        if not session.items:
            self.notify("Nothing to practise: no question is due or new with these filters.")
            return
        questions = [item.question for item in session.items]
        if any(question.executed for question in questions):
            self.warm_up(questions)
        self.push_screen(PracticeScreen(session, self.grading))

    def start_mock(self, options: MockOptions | None = None) -> None:
        """Plan a mock interview and open it; with no matching question, say so."""
        from quizapp.screens.mock_interview import MockScreen
        from quizapp.study.interview import MockInterview, MockOptions

        context = self.context
        interview = MockInterview.plan(
            context.items(), self.store, self.clock, options or MockOptions(), context.pack_dirs()
        )
        if interview is None:
            self.notify("No question matches: nothing to interview on.", severity="warning")
            return
        questions = [slot.question for slot in interview.slots]
        if any(question.executed for question in questions):
            self.warm_up(questions)
        self.push_screen(MockScreen(interview, self.grading))

    @work(thread=True, exclusive=True, group="warm-up", exit_on_error=False)
    def warm_up(self, questions: list[AnyQuestion]) -> None:
        """Start the reference worker so torch imports while the learner reads."""
        self.grading.warm_up_for(questions)

    # -- actions and commands --------------------------------------------------------

    def action_practice(self) -> None:
        """Due questions first, then new ones, across every pack."""
        self.start_practice()

    def action_mock(self) -> None:
        """A timed mock interview across every pack (feedback at the end)."""
        self.start_mock()

    async def action_quit(self) -> None:
        """ctrl+q: a screen with work to save (a mock interview) may confirm first."""
        for screen in reversed(self.screen_stack):
            request_quit = getattr(screen, "request_quit", None)
            if request_quit is not None and request_quit():
                return
        self.exit()

    def action_help(self) -> None:
        """Keys of every screen."""
        from quizapp.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_stats(self) -> None:
        """Reviews, retention and due counts per pack, flags, mock interviews."""
        from quizapp.screens.stats import StatsScreen

        if not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen(self.context))

    def action_browse(self) -> None:
        """Browse a pack's questions and reference answers (from home: the highlighted one)."""
        pack_id = self.screen.highlighted_pack() if isinstance(self.screen, HomeScreen) else None
        self.browse(pack_id)

    def browse(self, pack_id: str | None) -> None:
        """Open the browser on `pack_id` (None: the first pack); with no pack, say so."""
        from quizapp.screens.browse import BrowseScreen

        packs = self.registry.packs
        loaded = packs.get(pack_id) if pack_id else next(iter(packs.values()), None)
        if loaded is None:
            self.notify("No pack to browse.", severity="warning")
            return
        self.push_screen(BrowseScreen(loaded.path, self.grading, loaded=loaded))

    def edit_setting(self, key: str) -> None:
        """Edit one setting in a dialog (from the command palette)."""
        from quizapp.screens.setting_dialog import SettingScreen
        from quizapp.study.settings import SPECS, set_setting, shown_values

        def saved(value: str | None) -> None:
            if value is not None:
                self.notify(f"{key} = {value}")

        def save(text: str) -> str:
            return set_setting(self.store, key, text, self.clock().date())

        current = shown_values(self.store)[key]
        self.push_screen(SettingScreen(key, SPECS[key].description, current, save), saved)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        from quizapp.study.settings import SPECS

        for key, spec in SPECS.items():
            yield SystemCommand(
                f"Setting: {key}", spec.description, partial(self.edit_setting, key)
            )
        yield SystemCommand("Start practice", "Due questions, then new ones", self.action_practice)
        yield SystemCommand("Stats", "Reviews, due cards, flags", self.action_stats)
        yield SystemCommand("Help", "Keys of every screen", self.action_help)
        yield SystemCommand("Browse", "Every pack and question", self.action_browse)
        yield SystemCommand("Mock interview", "Timed, feedback at the end", self.action_mock)
