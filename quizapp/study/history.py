"""Series for the dashboard, from the store's per-day aggregates: pure, the day passed in.

Reviews per day (right vs wrong), true retention per week, and the due forecast. Each
takes the aggregate rows (`store.aggregates`) and fills the gaps so a plot has one point
per day or week, zero where nothing happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from quizapp.store.aggregates import DayAnswers

#: How far the dashboard looks back and ahead.
HISTORY_DAYS = 90
RETENTION_WEEKS = 13
FORECAST_DAYS = 30


@dataclass(frozen=True)
class WeekRetention:
    """Due reviews of one week (Monday to Sunday) and the share answered right."""

    week: date
    right: int
    total: int

    @property
    def retention(self) -> float | None:
        """right / total, or None for a week without due reviews."""
        return self.right / self.total if self.total else None


def start_of_day(day: date) -> datetime:
    """Midnight UTC at the start of `day` (days are UTC days, as stored times are UTC)."""
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def days_back(today: date, days: int) -> list[date]:
    """The `days` days ending with `today`, oldest first."""
    return [today - timedelta(days=offset) for offset in range(days - 1, -1, -1)]


def reviews_by_day(
    answers: Iterable[DayAnswers], today: date, days: int = HISTORY_DAYS
) -> list[DayAnswers]:
    """One entry per day of the last `days` (today included), zero where nothing was done."""
    by_day = {answer.day: answer for answer in answers}
    return [by_day.get(day, DayAnswers(day, 0, 0)) for day in days_back(today, days)]


def week_start(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def retention_by_week(
    due_answers: Iterable[DayAnswers], today: date, weeks: int = RETENTION_WEEKS
) -> list[WeekRetention]:
    """True retention of the last `weeks` weeks (this one included), oldest first.

    Args:
        due_answers: Per-day answers to due reviews (`Store.due_answers_per_day`).
        today: Today (UTC).
        weeks: How many weeks.
    """
    this_week = week_start(today)
    starts = [this_week - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    totals = {start: [0, 0] for start in starts}
    for answer in due_answers:
        bucket = totals.get(week_start(answer.day))
        if bucket is not None:
            bucket[0] += answer.right
            bucket[1] += answer.right + answer.wrong
    return [WeekRetention(start, *totals[start]) for start in starts]


def history_start(today: date, days: int = HISTORY_DAYS, weeks: int = RETENTION_WEEKS) -> date:
    """The first day either series needs, so one query range covers both."""
    return min(days_back(today, days)[0], week_start(today) - timedelta(weeks=weeks - 1))


def due_forecast(
    due_per_day: Iterable[tuple[date, int]], today: date, days: int = FORECAST_DAYS
) -> list[int]:
    """Cards due on each of the next `days` days, today first; overdue cards count today."""
    counts = [0] * days
    for day, count in due_per_day:
        offset = max(0, (day - today).days)
        if offset < days:
            counts[offset] += count
    return counts
