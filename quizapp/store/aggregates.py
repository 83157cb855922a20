"""The dashboard's numbers as SQL aggregates: never a Python loop over review rows.

Years of history are a million rows; every query here is a GROUP BY over an index range
(schema version 3 adds the indexes), and returns at most a row per day, per question or
per card. Days are UTC calendar days, as every stored time is UTC.

What counts as right or failed is one rule, shared with `reviews_failed` (the partial
index that makes leech counts cheap): graded answers by their grade; self-rated ones
(flashcards, explain) by their rating, Good or Easy being right and Again a failure.

The queries are methods of `Store` (`AggregateQueries`, which it inherits).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from quizapp.store.queries import Queries
from quizapp.store.rows import from_db_time, to_db_time

#: SQL for an answer that was right: graded right, or self-rated Good/Easy.
RIGHT = "(correct = 1 OR (correct IS NULL AND rating >= 3))"
#: SQL for a failed answer: graded wrong, or self-rated Again (the partial index's WHERE).
FAILED = "(correct = 0 OR (correct IS NULL AND rating = 1))"
#: SQL for an answer that was neither right nor wrong: not gradable and never rated.
_UNSCORED = "(correct IS NULL AND rating IS NULL)"


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

    def answers_per_day(self, since: datetime, until: datetime) -> list[DayAnswers]:
        """Right and wrong answers (every mode) per day in [since, until), days with any only."""
        rows = self._read(
            f"SELECT substr(reviewed_at, 1, 10) AS day, coalesce(sum({RIGHT}), 0) AS right,"
            f" count(*) - coalesce(sum({RIGHT}), 0) AS wrong FROM reviews"
            f" WHERE reviewed_at >= ? AND reviewed_at < ? AND NOT {_UNSCORED}"
            " GROUP BY day ORDER BY day",
            (to_db_time(since), to_db_time(until)),
        )
        return [DayAnswers(date.fromisoformat(r["day"]), r["right"], r["wrong"]) for r in rows]

    def due_answers_per_day(self, since: datetime, until: datetime) -> list[DayAnswers]:
        """Right and wrong answers to *due* reviews per day in [since, until).

        A due review is a scored practice answer to a question already answered on an earlier
        day: it came back after an interval. First sight and same-day relearning are left
        out, as Anki's "true retention" leaves out learning steps. (The earlier answer may be
        of any mode: that keeps the lookup inside the covering index.)
        """
        rows = self._read(
            f"SELECT substr(r.reviewed_at, 1, 10) AS day, coalesce(sum({RIGHT}), 0) AS right,"
            f" count(*) - coalesce(sum({RIGHT}), 0) AS wrong FROM reviews AS r"
            f" WHERE r.mode = 'practice' AND r.reviewed_at >= ? AND r.reviewed_at < ?"
            f" AND NOT {_UNSCORED} AND EXISTS (SELECT 1 FROM reviews AS p"
            "   WHERE p.pack_id = r.pack_id AND p.question_id = r.question_id"
            "   AND p.reviewed_at < substr(r.reviewed_at, 1, 10))"
            " GROUP BY day ORDER BY day",
            (to_db_time(since), to_db_time(until)),
        )
        return [DayAnswers(date.fromisoformat(r["day"]), r["right"], r["wrong"]) for r in rows]

    def due_cards_per_day(self, until: datetime) -> list[tuple[date, int]]:
        """Cards falling due before `until`, per day of their due date (overdue ones included).

        Suspended questions are left out: they will not be asked.
        """
        rows = self._read(
            "SELECT substr(due, 1, 10) AS day, count(*) AS n FROM cards AS c WHERE due < ?"
            " AND NOT EXISTS (SELECT 1 FROM suspended AS s"
            "   WHERE s.pack_id = c.pack_id AND s.question_id = c.question_id)"
            " GROUP BY day ORDER BY day",
            (to_db_time(until),),
        )
        return [(date.fromisoformat(r["day"]), r["n"]) for r in rows]

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
