"""What screens read: the store, the clock and the packs, handed down by the app.

Screens receive this instead of reaching up into the app ("attributes down, messages up"):
they read from it and post intents (`screens/messages.py`) for the app to act on, so a
screen runs in a test app or in `quizapp preview` without a QuizApp. It imports no textual:
it is a service of the domain, like `GradingService`, and lives with the study code.

Start-up budget (see app.py): the packs are loaded on first use, and pydantic-heavy modules
are imported where first used.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from quizapp.store.db import Store

if TYPE_CHECKING:
    from quizapp.packs.registry import Registry
    from quizapp.packs.summary_cache import PackSummary
    from quizapp.study.planning import StudyItem


class StudyContext:
    """The store, the clock and the packs, shared by the screens of one app.

    Args:
        store: The progress store.
        clock: Returns the current aware UTC time.
        load_packs: Loads the packs; called once, on first use (it may take a while: the
            home screen calls it from a thread worker after its first frame).
    """

    def __init__(
        self, store: Store, clock: Callable[[], datetime], load_packs: Callable[[], Registry]
    ) -> None:
        self.store = store
        self.clock = clock
        self._load_packs = load_packs
        self._packs: Registry | None = None
        self._lock = threading.Lock()
        #: The folders `load_packs` reads: set, counts can come from the pack summary cache
        #: before the packs load (`cached_summaries`).
        self.pack_folders: list[Path] | None = None

    @classmethod
    def of(cls, store: Store, clock: Callable[[], datetime], registry: Registry) -> StudyContext:
        """A context on packs already loaded (tests, tools)."""
        context = cls(store, clock, lambda: registry)
        context._packs = registry
        return context

    @property
    def packs_loaded(self) -> bool:
        """True once the packs are loaded (reading `registry` would not block)."""
        return self._packs is not None

    @property
    def registry(self) -> Registry:
        """The loaded packs; loaded on first use (thread-safe)."""
        with self._lock:
            if self._packs is None:
                self._packs = self._load_packs()
            return self._packs

    def items(self) -> list[StudyItem]:
        """Every loaded question as a study item, in pack order; suspended ones never."""
        from quizapp.study.planning import study_items

        items = study_items(self.registry)
        drawable = set(self.store.unsuspended(item.key for item in items))
        return [item for item in items if item.key in drawable]

    def cached_summaries(self) -> list[PackSummary] | None:
        """Pack summaries from the cache (no pydantic), or None on a miss or without folders."""
        from quizapp.packs.summary_cache import cached_summaries

        if self.pack_folders is None:
            return None
        return cached_summaries(self.pack_folders)

    def summaries(self) -> list[PackSummary]:
        """What counts need of the packs: the fresh cache before they load, else the packs."""
        from quizapp.packs.summary_cache import summarize

        if not self.packs_loaded:
            cached = self.cached_summaries()
            if cached is not None:
                return cached
        return summarize(self.registry)

    def pack_dirs(self) -> dict[str, Path]:
        """The folder of each loaded pack (where its probes' local models are found)."""
        return {pack_id: loaded.path.parent for pack_id, loaded in self.registry.packs.items()}
