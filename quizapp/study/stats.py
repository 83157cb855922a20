"""Progress in numbers: the store's history joined with the installed packs.

Shared by `quizapp stats` and the stats screen, so both say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from quizapp.packs.summary_cache import PackSummary
from quizapp.store.db import Store
from quizapp.store.rows import StoreStats
from quizapp.study.dashboard import Dashboard, collect_dashboard
from quizapp.study.overview import PackProgress, pack_progress


@dataclass(frozen=True)
class Stats:
    """The store's totals, what the installed packs have due and new, and the dashboard.

    Attributes:
        history: The store's totals (packs with history, even removed ones).
        installed: Progress of each installed pack, by id (suspended questions are neither
            due nor new: they are never drawn).
        due: Questions due now across the installed packs.
        dashboard: The memory series (forecast, retention, objectives, leeches, plan).
    """

    history: StoreStats
    installed: dict[str, PackProgress]
    due: int
    dashboard: Dashboard

    def to_json(self) -> dict[str, Any]:
        """What `quizapp stats --json` prints."""
        return {
            **self.history.to_json(),
            "installed": {
                pack_id: {"total": p.total, "due": p.due, "new": p.new, "mastery": p.mastery}
                for pack_id, p in self.installed.items()
            },
            "due": self.due,
            **self.dashboard.to_json(),
        }


def collect_stats(
    packs: Sequence[PackSummary], store: Store, now: datetime, dashboard: Dashboard | None = None
) -> Stats:
    """The store's totals, due/new counts of the installed packs, and the dashboard's series.

    Args:
        packs: The installed packs (cached summaries: no pydantic needed).
        store: The progress store.
        now: The moment counts are taken.
        dashboard: Already collected at `now` (the stats screen has one); else collected.
    """
    keys = store.unsuspended(key for pack in packs for key in pack.keys)
    titles = {pack.pack_id: pack.title for pack in packs}
    installed = pack_progress(keys, titles, store.learned_keys(now))
    return Stats(
        history=store.stats(now),
        installed={p.pack_id: p for p in installed},
        due=sum(p.due for p in installed),
        dashboard=dashboard or collect_dashboard(store, packs, now),
    )


@dataclass(frozen=True)
class PackStatsRow:
    """One pack's line: history (even of a removed pack) and what is due or new."""

    pack_id: str
    reviews: int
    retention: float | None
    due: int
    new: int | None
    flags: int
    removed: bool

    @property
    def name(self) -> str:
        return f"{self.pack_id} (removed)" if self.removed else self.pack_id

    @property
    def retention_text(self) -> str:
        return f"{self.retention:.0%}" if self.retention is not None else "-"


def pack_rows(stats: Stats) -> list[PackStatsRow]:
    """A row per pack that is installed or has history, sorted by id."""
    rows = []
    packs = stats.history.packs
    for pack_id in sorted(packs.keys() | stats.installed.keys()):
        history = packs.get(pack_id)
        installed = stats.installed.get(pack_id)
        rows.append(
            PackStatsRow(
                pack_id=pack_id,
                reviews=history.reviews if history else 0,
                retention=history.retention if history else None,
                due=installed.due if installed else (history.due if history else 0),
                new=installed.new if installed else None,
                flags=sum(flag.pack_id == pack_id for flag in stats.history.flags),
                removed=installed is None,
            )
        )
    return rows


def headline(stats: Stats) -> str:
    """`12 reviews · 3 due now · 1 mock interviews · 0 flags · 2 leeches (1 suspended)`."""
    leeches = stats.dashboard.leeches
    return (
        f"{stats.history.reviews} reviews · {stats.due} due now · "
        f"{stats.history.mock_sessions} mock interviews · {len(stats.history.flags)} flags · "
        f"{len(leeches)} leeches ({stats.dashboard.suspended} suspended)"
    )


def flag_lines(stats: Stats) -> list[str]:
    """`pack/question (2026-11-26): note`, one per flag, for authors."""
    lines = []
    for flag in stats.history.flags:
        note = f": {flag.note}" if flag.note else ""
        lines.append(f"{flag.pack_id}/{flag.question_id} ({flag.flagged_at.date()}){note}")
    return lines
