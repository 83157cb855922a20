"""The workload a desired retention implies: reviews per day over the next 30 days.

Simulated with the learner's FSRS parameters (`scheduling.review`, fuzzing off): each
scheduled card is reviewed when due; it is recalled with the probability the model gives
at that moment (a seeded generator, so the same store gives the same numbers), rated Good
when recalled and Again when not; new questions are introduced `new_per_day` a day, as a
practice session adds them, and rated Good on first sight. Higher retention means shorter
intervals, so more reviews; the dashboard shows the trade-off at a few retentions.

To stay well under a second on 5,000 cards, at most `MAX_SIMULATED` scheduled cards are
simulated (a seeded sample) and their reviews scaled up to the whole collection.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from quizapp.store.rows import Rating
from quizapp.study.anki_states import CardState
from quizapp.study.history import FORECAST_DAYS
from quizapp.study.scheduling import MemoryModel, retrievability, review

RETENTIONS = (0.80, 0.85, 0.90, 0.95)
MAX_SIMULATED = 800
NEW_PER_DAY = 10


@dataclass(frozen=True)
class Workload:
    """Reviews per day, on average over `days`, at one desired retention."""

    retention: float
    reviews_per_day: float


def _simulate(
    cards: Sequence[tuple[datetime, str | None]],
    model: MemoryModel,
    now: datetime,
    days: int,
    seed: int,
) -> int:
    rng = random.Random(seed)
    end = now + timedelta(days=days)
    # (due, tie-breaker, card JSON or None for a new card): the tie-breaker keeps heap
    # order deterministic.
    queue = [(due, index, card) for index, (due, card) in enumerate(cards)]
    heapq.heapify(queue)
    reviews = 0
    while queue and queue[0][0] < end:
        due, index, card = heapq.heappop(queue)
        at = max(due, now)
        if card is None:
            rating = Rating.GOOD
        else:
            recall = retrievability(card, at, model)
            rating = Rating.GOOD if rng.random() < recall else Rating.AGAIN
        card, next_due = review(card, rating, at, model)
        reviews += 1
        heapq.heappush(queue, (next_due, index, card))
    return reviews


def simulate_workload(
    card_jsons: Sequence[str],
    new_available: int,
    model: MemoryModel,
    now: datetime,
    retentions: Sequence[float] = RETENTIONS,
    days: int = FORECAST_DAYS,
    new_per_day: int = NEW_PER_DAY,
    seed: int = 0,
) -> list[Workload]:
    """Reviews per day at each retention, with the model's parameters.

    Args:
        card_jsons: The scheduled cards (suspended ones left out).
        new_available: Questions never reviewed, introduced `new_per_day` a day.
        model: The learner's parameters (its own retention is replaced by each of `retentions`).
        now: Start of the simulation (timezone-aware).
        retentions: The desired retentions to compare.
        days: How many days ahead.
        new_per_day: New questions a day.
        seed: Seed of the recall draws and of the sample.
    """
    now = now.astimezone(UTC)
    sample = list(card_jsons)
    scale = 1.0
    if len(sample) > MAX_SIMULATED:
        scale = len(sample) / MAX_SIMULATED
        sample = random.Random(seed).sample(sample, MAX_SIMULATED)
    existing: list[tuple[datetime, str | None]] = [
        (CardState.from_json(text).due, text) for text in sample
    ]
    new_total = min(new_available, new_per_day * days)
    fresh: list[tuple[datetime, str | None]] = (
        [(now + timedelta(days=n // new_per_day), None) for n in range(new_total)]
        if new_per_day > 0
        else []
    )
    result = []
    for retention in retentions:
        at = MemoryModel(model.parameters, retention, model.days)
        old = _simulate(existing, at, now, days, seed)
        new = _simulate(fresh, at, now, days, seed + 1)
        result.append(Workload(retention, (old * scale + new) / days))
    return result
