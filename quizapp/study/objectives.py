"""Mastery per objective, grouped by pack, and the weakest objectives to practise next.

An objective's mastery is the share of the questions covering it that are learned
(scheduled and not due), the same measure as a pack's mastery on the home screen.
Suspended questions are set aside: they count neither for nor against an objective.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from quizapp.packs.summary_cache import PackSummary

WEAKEST = 5


@dataclass(frozen=True)
class ObjectiveMastery:
    """One objective of one pack: questions covering it and how many are learned."""

    pack_id: str
    objective_id: str
    text: str
    total: int
    learned: int

    @property
    def mastery(self) -> float:
        """learned / total, 0 for an objective no question covers."""
        return self.learned / self.total if self.total else 0.0

    def to_json(self) -> dict[str, object]:
        """The `objectives` entries of `stats --json`."""
        return {
            "pack": self.pack_id,
            "objective": self.objective_id,
            "text": self.text,
            "questions": self.total,
            "learned": self.learned,
            "mastery": self.mastery,
        }


def objective_mastery(
    packs: Iterable[PackSummary],
    learned: Mapping[tuple[str, str], bool],
    drawable: AbstractSet[tuple[str, str]] | None = None,
) -> list[ObjectiveMastery]:
    """Every objective of every pack, in pack then objective order.

    Args:
        packs: The installed packs.
        learned: Scheduled questions: True when learned, False when due
            (`Store.learned_keys`); a question absent is new.
        drawable: The questions that count (`Store.unsuspended`); None: all of them.
    """
    result = []
    for pack in packs:
        for objective_id, text in pack.objectives:
            keys = [
                q.key
                for q in pack.questions
                if objective_id in q.covers and (drawable is None or q.key in drawable)
            ]
            result.append(
                ObjectiveMastery(
                    pack.pack_id,
                    objective_id,
                    text,
                    total=len(keys),
                    learned=sum(learned.get(key, False) for key in keys),
                )
            )
    return result


def weakest(objectives: Iterable[ObjectiveMastery], n: int = WEAKEST) -> list[ObjectiveMastery]:
    """The `n` objectives with the lowest mastery among those some question covers.

    Ties go to the objective with more questions (more to gain), then pack and id order.
    """
    covered = [o for o in objectives if o.total]
    covered.sort(key=lambda o: (o.mastery, -o.total, o.pack_id, o.objective_id))
    return covered[:n]
