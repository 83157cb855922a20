"""Leeches: questions failed so often that drilling them again is wasted time.

A question failed `LEECH_FAILURES` times or more (graded wrong, or self-rated Again, in any
mode) is a leech, as Anki counts lapses (its default threshold is 8; quizapp's questions
are fewer and denser, so 6). The learner suspends a leech to rewrite or re-read it;
suspended questions are never drawn until unsuspended.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime

from quizapp.store.aggregates import FailureCount

LEECH_FAILURES = 6


@dataclass(frozen=True)
class Leech:
    """One leech and whether it is suspended."""

    pack_id: str
    question_id: str
    failures: int
    last_failed: datetime
    suspended: bool

    @property
    def key(self) -> tuple[str, str]:
        """(pack id, question id)."""
        return (self.pack_id, self.question_id)

    def to_json(self) -> dict[str, object]:
        """The `leeches` entries of `stats --json`."""
        return {
            "pack": self.pack_id,
            "question": self.question_id,
            "failures": self.failures,
            "last_failed": self.last_failed.isoformat(),
            "suspended": self.suspended,
        }


def leeches(
    failures: Iterable[FailureCount],
    suspended: AbstractSet[tuple[str, str]],
    at_least: int = LEECH_FAILURES,
) -> list[Leech]:
    """The questions failed `at_least` times, most failures first, each marked suspended or not.

    Args:
        failures: Failure counts (`Store.failure_counts`), possibly below the threshold.
        suspended: Keys of suspended questions.
        at_least: The leech threshold.
    """
    found = [
        Leech(f.pack_id, f.question_id, f.failures, f.last_failed, f.key in suspended)
        for f in failures
        if f.failures >= at_least
    ]
    found.sort(key=lambda leech: (-leech.failures, leech.pack_id, leech.question_id))
    return found
