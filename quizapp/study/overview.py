"""Per-pack progress for the home screen and `quizapp stats`: total, due, new, mastery."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


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
    keys: Iterable[tuple[str, str]],
    titles: Mapping[str, str],
    learned: Mapping[tuple[str, str], bool],
) -> list[PackProgress]:
    """Progress of every pack in `titles`, in that order.

    Args:
        keys: (pack id, question id) of every installed question.
        titles: Pack id to title, in display order.
        learned: Every scheduled question: True when learned (not due), False when due
            (`Store.learned_keys`, so no card is parsed); absent means new.
    """
    counts = {pack_id: [0, 0, 0, 0] for pack_id in titles}
    for key in keys:
        count = counts.get(key[0])
        if count is None:
            continue
        state = learned.get(key)
        count[0] += 1
        if state is None:
            count[2] += 1
        elif state:
            count[3] += 1
        else:
            count[1] += 1
    return [
        PackProgress(pack_id, titles[pack_id], total, due, new, learned)
        for pack_id, (total, due, new, learned) in counts.items()
    ]
