"""Per-pack progress for the home screen and `quizapp stats`: total, due, new, mastery."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from quizapp.store.rows import CardRow
from quizapp.study.scheduling import is_due


class Keyed(Protocol):
    """A question as counts see it: a `StudyItem`, or a cached `QuestionSummary`."""

    @property
    def pack_id(self) -> str: ...

    @property
    def key(self) -> tuple[str, str]: ...


@dataclass(frozen=True)
class PackProgress:
    """Counts of one pack at a moment.

    Attributes:
        pack_id: The pack.
        title: Its title.
        total: Questions in the pack.
        due: Scheduled questions due now.
        new: Questions never reviewed.
        learned: Scheduled questions not due yet (recalled well enough to wait).
    """

    pack_id: str
    title: str
    total: int
    due: int
    new: int
    learned: int

    @property
    def mastery(self) -> float:
        """The share of the pack learned and not yet due, 0..1."""
        return self.learned / self.total if self.total else 0.0


def pack_progress(
    items: Iterable[Keyed],
    titles: Mapping[str, str],
    cards: Mapping[tuple[str, str], CardRow],
    now: datetime,
) -> list[PackProgress]:
    """Progress of every pack in `titles`, in that order.

    Args:
        items: Every loaded question (study items or cached summaries).
        titles: Pack id to title, in display order.
        cards: The store's cards.
        now: Cards due at or before `now` are due.
    """
    counts = {pack_id: [0, 0, 0, 0] for pack_id in titles}
    for item in items:
        count = counts.get(item.pack_id)
        if count is None:
            continue
        card = cards.get(item.key)
        count[0] += 1
        if card is None:
            count[2] += 1
        elif is_due(card, now):
            count[1] += 1
        else:
            count[3] += 1
    return [
        PackProgress(pack_id, titles[pack_id], total, due, new, learned)
        for pack_id, (total, due, new, learned) in counts.items()
    ]
