"""What each rating would do: the interval until the card is next due, as Anki's buttons
show it ("1 Again 10m · 2 Hard 1d · 3 Good 3d · 4 Easy 8d")."""

from __future__ import annotations

from datetime import datetime, timedelta

from quizapp.store.rows import Rating
from quizapp.study import scheduling
from quizapp.study.scheduling import DEFAULT_MODEL, MemoryModel


def next_intervals(
    card_before: str | None, now: datetime, model: MemoryModel = DEFAULT_MODEL
) -> dict[Rating, timedelta]:
    """The time from `now` to the next due date under each rating, from the card as it was
    before the answer (None: a first review). Pure: nothing is stored."""
    intervals: dict[Rating, timedelta] = {}
    for rating in Rating:
        _card, due = scheduling.review(card_before, rating, now, model)
        intervals[rating] = due - now
    return intervals


def short_interval(interval: timedelta) -> str:
    """ "<1m", "10m", "5h", "3d", "2.5mo", "1.2y": Anki's button labels."""
    seconds = interval.total_seconds()
    minutes = seconds / 60
    if minutes < 1:
        return "<1m"
    if minutes < 60:
        return f"{round(minutes)}m"
    hours = minutes / 60
    if hours < 24:
        return f"{round(hours)}h"
    days = hours / 24
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"
