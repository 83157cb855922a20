"""The dashboard's numbers as SQL aggregates: never a Python loop over review rows.

Years of history are a million rows; every query here is a GROUP BY over an index range
(schema version 3 adds the indexes), and returns at most a row per day, per question or
per card. Stored times are UTC; days are the learner's (`study.days`): a per-day query
takes the range as spans of one UTC offset each (`Days.spans`) and groups each span by
the UTC date of the time shifted by the span's offset minus the rollover hour.

What counts as right or failed is one rule, shared with `reviews_failed` (the partial
index that makes leech counts cheap): graded answers by their grade; self-rated ones
(flashcards, explain) by their rating, Good or Easy being right and Again a failure.

The queries are methods of `Store` (`AggregateQueries`, which it inherits).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from quizapp.store.queries import Queries
from quizapp.store.rows import from_db_time, to_db_time

#: SQL for an answer that was right: graded right, or self-rated Good/Easy.
RIGHT = "(correct = 1 OR (correct IS NULL AND rating >= 3))"
#: SQL for a failed answer: graded wrong, or self-rated Again (the partial index's WHERE).
FAILED = "(correct = 0 OR (correct IS NULL AND rating = 1))"
#: SQL for an answer that was neither right nor wrong: not gradable and never rated.
_UNSCORED = "(correct IS NULL AND rating IS NULL)"


class DaySpan(Protocol):
    """A UTC range of one offset (`study.days.DaySpan`): the store does not import study."""

    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...
    @property
    def shift_minutes(self) -> int: ...
    @property
    def modifier(self) -> str: ...


def _unshift(span: DaySpan) -> str:
    return f"{-span.shift_minutes:+d} minutes"


def _merge(rows: list[tuple[str, int, int]]) -> list[DayAnswers]:
    # Two spans can meet inside one day (a DST change): add their counts up.
    totals: dict[str, list[int]] = {}
    for day, right, wrong in rows:
        total = totals.setdefault(day, [0, 0])
        total[0] += right
        total[1] += wrong
    return [DayAnswers(date.fromisoformat(d), r, w) for d, (r, w) in sorted(totals.items())]


@dataclass(frozen=True)
class DayAnswers:
    """Answers of one day: how many were right and how many were not."""

    day: date
    right: int
    wrong: int


@dataclass(frozen=True)
class FailureCount:
    """A question's failures in every mode, and when it last failed."""

    pack_id: str
    question_id: str
    failures: int
    last_failed: datetime

    @property
    def key(self) -> tuple[str, str]:
        """(pack id, question id)."""
        return (self.pack_id, self.question_id)


class AggregateQueries(Queries):
    """The dashboard's aggregates (methods of `Store`)."""

    def answers_per_day(self, spans: Sequence[DaySpan]) -> list[DayAnswers]:
        """Right and wrong answers (every mode) per learner's day over `spans`, days with any."""
        rows: list[tuple[str, int, int]] = []
        for span in spans:
            rows += [
                (r[0], r[1], r[2])
                for r in self._read(
                    f"SELECT date(reviewed_at, ?) AS day, coalesce(sum({RIGHT}), 0),"
                    f" count(*) - coalesce(sum({RIGHT}), 0) FROM reviews"
                    f" WHERE reviewed_at >= ? AND reviewed_at < ? AND NOT {_UNSCORED}"
                    " GROUP BY day",
                    (span.modifier, to_db_time(span.start), to_db_time(span.end)),
                )
            ]
        return _merge(rows)

    def due_answers_per_day(self, spans: Sequence[DaySpan]) -> list[DayAnswers]:
        """Right and wrong answers to *due* reviews per learner's day over `spans`.

        A due review is a scored practice answer to a question already answered on an
        earlier day: it came back after an interval. First sight and same-day relearning
        are left out, as Anki's "true retention" leaves out learning steps. (The earlier
        answer may be of any mode: that keeps the lookup inside the covering index.)
        """
        # The start of r's day in UTC, as text that compares with stored times.
        day_start = "strftime('%Y-%m-%dT%H:%M:%S', date(r.reviewed_at, ?), ?)"
        rows: list[tuple[str, int, int]] = []
        for span in spans:
            rows += [
                (r[0], r[1], r[2])
                for r in self._read(
                    f"SELECT date(r.reviewed_at, ?) AS day, coalesce(sum({RIGHT}), 0),"
                    f" count(*) - coalesce(sum({RIGHT}), 0) FROM reviews AS r"
                    f" WHERE r.mode = 'practice' AND r.reviewed_at >= ? AND r.reviewed_at < ?"
                    f" AND NOT {_UNSCORED} AND EXISTS (SELECT 1 FROM reviews AS p"
                    "   WHERE p.pack_id = r.pack_id AND p.question_id = r.question_id"
                    f"   AND p.reviewed_at < {day_start})"
                    " GROUP BY day",
                    (
                        span.modifier,
                        to_db_time(span.start),
                        to_db_time(span.end),
                        span.modifier,
                        _unshift(span),
                    ),
                )
            ]
        return _merge(rows)

    def due_cards_per_day(
        self, spans: Sequence[DaySpan], first_day: date
    ) -> list[tuple[date, int]]:
        """Cards falling due over `spans`, per learner's day of their due date; cards due
        before the spans (overdue ones) count on `first_day`.

        Suspended questions are left out: they will not be asked.
        """
        if not spans:
            return []
        not_suspended = (
            "NOT EXISTS (SELECT 1 FROM suspended AS s"
            "   WHERE s.pack_id = c.pack_id AND s.question_id = c.question_id)"
        )
        counts: dict[date, int] = {}
        overdue = self._read(
            f"SELECT count(*) FROM cards AS c WHERE due < ? AND {not_suspended}",
            (to_db_time(spans[0].start),),
        )
        if overdue[0][0]:
            counts[first_day] = overdue[0][0]
        for span in spans:
            for r in self._read(
                "SELECT date(due, ?) AS day, count(*) FROM cards AS c"
                f" WHERE due >= ? AND due < ? AND {not_suspended} GROUP BY day",
                (span.modifier, to_db_time(span.start), to_db_time(span.end)),
            ):
                day = date.fromisoformat(r[0])
                counts[day] = counts.get(day, 0) + r[1]
        return sorted(counts.items())

    def first_practised_since(self, since: datetime) -> set[tuple[str, str]]:
        """Questions whose first practice review (the one that made their card) is at or
        after `since`: the new questions introduced since then.

        Only the reviews since `since` are scanned (by time), each checked for an earlier
        practice review by the (question, time) index.
        """
        # INDEXED BY: left to itself, SQLite skip-scans the (question, time) index for the
        # outer rows, which on a million reviews takes several times as long for one day's.
        rows = self._read(
            "SELECT DISTINCT t.pack_id, t.question_id FROM reviews AS t INDEXED BY reviews_by_time"
            " WHERE t.reviewed_at >= ? AND t.mode = 'practice'"
            " AND NOT EXISTS (SELECT 1 FROM reviews AS e WHERE e.pack_id = t.pack_id"
            "   AND e.question_id = t.question_id AND e.reviewed_at < ? AND e.mode = 'practice')",
            (to_db_time(since), to_db_time(since)),
        )
        return {(r[0], r[1]) for r in rows}

    def learned_keys(self, now: datetime) -> dict[tuple[str, str], bool]:
        """Every scheduled question: True when learned (not due at `now`), False when due."""
        rows = self._read(
            "SELECT pack_id, question_id, due > ? AS learned FROM cards", (to_db_time(now),)
        )
        # By position: this runs before the home screen's first paint, on every card.
        return {(r[0], r[1]): bool(r[2]) for r in rows}

    def failure_counts(self, at_least: int) -> list[FailureCount]:
        """Questions failed `at_least` times or more, most failures first."""
        rows = self._read(
            "SELECT pack_id, question_id, count(*) AS n, max(reviewed_at) AS last FROM reviews"
            f" WHERE {FAILED}"
            " GROUP BY pack_id, question_id HAVING count(*) >= ?"
            " ORDER BY n DESC, pack_id, question_id",
            (at_least,),
        )
        return [
            FailureCount(r["pack_id"], r["question_id"], r["n"], from_db_time(r["last"]))
            for r in rows
        ]

    def rated_practice_reviews(self) -> list[tuple[str, str, int, datetime]]:
        """Every practice review that rated its card: (pack id, question id, rating, when).

        The optimizer's input, ordered by question then time. Cram and mock answers never
        touched a card, so they are not part of the memory model's history.
        """
        rows = self._read(
            "SELECT pack_id, question_id, rating, reviewed_at FROM reviews"
            " WHERE mode = 'practice' AND rating IS NOT NULL"
            " ORDER BY pack_id, question_id, reviewed_at, id"
        )
        return [
            (r["pack_id"], r["question_id"], r["rating"], from_db_time(r["reviewed_at"]))
            for r in rows
        ]
