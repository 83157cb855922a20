"""Rows of the store as small frozen dataclasses, and converters from SQLite rows.

Every time crosses the SQLite boundary as TEXT in one fixed-width ISO 8601 UTC format, so
that string order is time order. Naive datetimes are refused: a wall-clock time without a
zone would silently shift due dates by the user's UTC offset.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any, Literal, cast

Mode = Literal["practice", "cram", "mock"]
MODES: frozenset[str] = frozenset({"practice", "cram", "mock"})


class Rating(IntEnum):
    """An FSRS rating, as stored in `reviews.rating` and given to the scheduler."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        """ "Again", "Hard", "Good" or "Easy"."""
        return self.name.capitalize()

    @classmethod
    def of(cls, value: int) -> Rating:
        """`value` as a Rating: the one check of the 1..4 range.

        Raises:
            ValueError: For a value outside 1..4.
        """
        if isinstance(value, bool) or value not in cls._value2member_map_:
            raise ValueError(f"rating must be 1..4, got {value!r}")
        return cls(value)


def to_db_time(moment: datetime) -> str:
    """A timezone-aware datetime as fixed-width UTC text.

    Args:
        moment: Any timezone-aware datetime.

    Returns:
        e.g. `2025-01-02T03:04:05.000000+00:00`.

    Raises:
        ValueError: If `moment` is naive.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"datetime must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db_time(text: str) -> datetime:
    """The UTC datetime stored by `to_db_time`."""
    return datetime.fromisoformat(text).astimezone(UTC)


@dataclass(frozen=True)
class ReviewRow:
    """One answer given, in any mode.

    Attributes:
        correct: None for self-rated questions or answers that could not be graded.
        rating: The FSRS rating applied, or None (cram, and mock answers not yet rated).
    """

    id: int
    pack_id: str
    question_id: str
    answer: str
    correct: bool | None
    rating: Rating | None
    seconds: float
    mode: Mode
    reviewed_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> ReviewRow:
        """Convert a `reviews` row."""
        correct = row["correct"]
        return cls(
            id=row["id"],
            pack_id=row["pack_id"],
            question_id=row["question_id"],
            answer=row["answer"],
            correct=None if correct is None else bool(correct),
            rating=None if row["rating"] is None else Rating.of(row["rating"]),
            seconds=row["seconds"],
            mode=cast(Mode, row["mode"]),
            reviewed_at=from_db_time(row["reviewed_at"]),
        )


@dataclass(frozen=True)
class CardRow:
    """The FSRS state of one question.

    Attributes:
        card_json: `fsrs.Card.to_json()`; only `study.scheduling` interprets it.
        due: When the card is next due (copied out of the JSON so SQL can compare it).
    """

    pack_id: str
    question_id: str
    card_json: str
    due: datetime

    @property
    def key(self) -> tuple[str, str]:
        """(pack id, question id): how progress is keyed everywhere."""
        return (self.pack_id, self.question_id)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> CardRow:
        """Convert a `cards` row."""
        return cls(
            pack_id=row["pack_id"],
            question_id=row["question_id"],
            card_json=row["card_json"],
            due=from_db_time(row["due"]),
        )


@dataclass(frozen=True)
class FlagRow:
    """A question the learner flagged for the author to edit."""

    id: int
    pack_id: str
    question_id: str
    note: str
    flagged_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> FlagRow:
        """Convert a `flags` row."""
        return cls(
            id=row["id"],
            pack_id=row["pack_id"],
            question_id=row["question_id"],
            note=row["note"],
            flagged_at=from_db_time(row["flagged_at"]),
        )


@dataclass(frozen=True)
class MockRow:
    """One finished mock interview.

    Attributes:
        report_json: `study.report.to_json(report)`.
        score: 0..1, copied out of the report for listings.
        paused_seconds: Time the clock was paused (schema version 2; 0 for older sessions).
    """

    id: int
    started_at: datetime
    finished_at: datetime
    report_json: str
    score: float
    paused_seconds: float

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> MockRow:
        """Convert a `mock_sessions` row."""
        return cls(
            id=row["id"],
            started_at=from_db_time(row["started_at"]),
            finished_at=from_db_time(row["finished_at"]),
            report_json=row["report_json"],
            score=row["score"],
            paused_seconds=row["paused_seconds"],
        )


@dataclass(frozen=True)
class PackHistory:
    """One pack's history in the store (kept after the pack is removed).

    Attributes:
        reviews: Answers recorded, every mode.
        correct: Answers graded right.
        graded: Answers graded at all (not self-rated, not ungradable).
        cards: Questions scheduled.
        due: Scheduled questions due at the time asked.
    """

    reviews: int = 0
    correct: int = 0
    graded: int = 0
    cards: int = 0
    due: int = 0

    @property
    def retention(self) -> float | None:
        """correct / graded; None with nothing graded."""
        return self.correct / self.graded if self.graded else None


@dataclass(frozen=True)
class StoreStats:
    """The store's totals (`Store.stats`).

    Attributes:
        reviews: Answers recorded, every mode.
        mock_sessions: Mock interviews stored.
        packs: History per pack id, sorted by id.
        flags: Flagged questions, oldest first.
    """

    reviews: int
    mock_sessions: int
    packs: dict[str, PackHistory]
    flags: tuple[FlagRow, ...]

    def to_json(self) -> dict[str, Any]:
        """The JSON shape `quizapp stats --json` prints (a contract: extend, never rename)."""
        return {
            "reviews": self.reviews,
            "mock_sessions": self.mock_sessions,
            "packs": {
                pack_id: {
                    "reviews": history.reviews,
                    "correct": history.correct,
                    "graded": history.graded,
                    "retention": history.retention,
                    "cards": history.cards,
                    "due": history.due,
                }
                for pack_id, history in self.packs.items()
            },
            "flags": [
                {
                    "pack": flag.pack_id,
                    "question": flag.question_id,
                    "note": flag.note,
                    "flagged_at": flag.flagged_at.isoformat(),
                }
                for flag in self.flags
            ],
        }
