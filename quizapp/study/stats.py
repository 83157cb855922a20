"""Progress in numbers: the store's history joined with the installed packs.

Shared by `quizapp stats` and the stats screen, so both say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from quizapp.packs.summary_cache import PackSummary
from quizapp.store.aggregates import learned_keys
from quizapp.store.db import Store
from quizapp.store.suspension import suspended_keys
from quizapp.study.dashboard import Dashboard, collect_dashboard
from quizapp.study.overview import pack_progress


def collect_stats(
    packs: Sequence[PackSummary], store: Store, now: datetime, dashboard: Dashboard | None = None
) -> dict[str, Any]:
    """The store's totals, due/new counts of the installed packs, and the dashboard's series.

    Suspended questions are left out of the due/new counts (they are never drawn) and
    counted under `suspended`.

    Args:
        packs: The installed packs (cached summaries: no pydantic needed).
        store: The progress store.
        now: The moment counts are taken.
        dashboard: Already collected at `now` (the stats screen has one); else collected.
    """
    stats = store.stats(now)
    suspended = suspended_keys(store)
    keys = [key for pack in packs for key in pack.keys if key not in suspended]
    titles = {pack.pack_id: pack.title for pack in packs}
    installed = pack_progress(keys, titles, learned_keys(store, now))
    stats["installed"] = {
        p.pack_id: {"total": p.total, "due": p.due, "new": p.new, "mastery": p.mastery}
        for p in installed
    }
    stats["due"] = sum(p.due for p in installed)
    stats.update((dashboard or collect_dashboard(store, packs, now)).to_json())
    return stats


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


def pack_rows(stats: dict[str, Any]) -> list[PackStatsRow]:
    """A row per pack that is installed or has history, sorted by id."""
    rows = []
    for pack_id in sorted(set(stats["packs"]) | set(stats["installed"])):
        history = stats["packs"].get(pack_id, {})
        installed = stats["installed"].get(pack_id)
        rows.append(
            PackStatsRow(
                pack_id=pack_id,
                reviews=history.get("reviews", 0),
                retention=history.get("retention"),
                due=installed["due"] if installed else history.get("due", 0),
                new=installed["new"] if installed else None,
                flags=sum(flag["pack"] == pack_id for flag in stats["flags"]),
                removed=installed is None,
            )
        )
    return rows


def headline(stats: dict[str, Any]) -> str:
    """`12 reviews · 3 due now · 1 mock interviews · 0 flags · 2 leeches (1 suspended)`."""
    return (
        f"{stats['reviews']} reviews · {stats['due']} due now · "
        f"{stats['mock_sessions']} mock interviews · {len(stats['flags'])} flags · "
        f"{len(stats['leeches'])} leeches ({stats['suspended']} suspended)"
    )


def flag_lines(stats: dict[str, Any]) -> list[str]:
    """`pack/question (2026-11-26): note`, one per flag, for authors."""
    lines = []
    for flag in stats["flags"]:
        note = f": {flag['note']}" if flag["note"] else ""
        lines.append(f"{flag['pack']}/{flag['question']} ({flag['flagged_at'][:10]}){note}")
    return lines
