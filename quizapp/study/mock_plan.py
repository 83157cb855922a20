"""Mock-interview planning: which questions, in what order, with what time budget.

Selection is greedy and reproducible. Topics come round-robin (a topic is picked again only
when every remaining topic has been picked as often), so the report's by-topic scores rest
on as many topics as possible. Within a round the next preference, in order, is a question
that covers objectives not yet in the interview (the report's weakest objective needs them),
then one of the least-used difficulty level, then one of the least-used kind (executed,
choice, explain, recall, code). Remaining ties go to a seeded shuffle, so the same seed and pool
always give the same interview, and another seed gives another interview.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable
from typing import Literal

from quizapp.grading.qtypes import question_type
from quizapp.packs.models import AnyQuestion
from quizapp.study.planning import NO_FILTERS, Filters, StudyItem, matching

Kind = Literal["executed", "choice", "explain", "recall", "code"]

#: Budget multiplier per difficulty: 0.6x for 1 up to 1.4x for 5.
DIFFICULTY_FACTOR: dict[int, float] = {1: 0.6, 2: 0.8, 3: 1.0, 4: 1.2, 5: 1.4}

#: Budgets are rounded up to this many seconds, so the clock shows round numbers.
BUDGET_STEP_SECONDS = 15


def question_kind(question: AnyQuestion) -> Kind:
    """The kind of question a mock interview mixes: executed, choice, explain, recall or code."""
    if question_type(question).harness_run is not None:
        return "code"
    if question.executed:
        return "executed"
    if question.type in ("choice", "explain"):
        return question.type
    return "recall"


def question_budget_seconds(question: AnyQuestion) -> int:
    """The time budget of one question: its type's base (the registry's `budget_seconds`)
    scaled by difficulty.

    Returns:
        Seconds, a multiple of `BUDGET_STEP_SECONDS`.
    """
    raw = question_type(question).budget_seconds * DIFFICULTY_FACTOR[question.difficulty]
    return math.ceil(raw / BUDGET_STEP_SECONDS) * BUDGET_STEP_SECONDS


def total_budget(items: Iterable[StudyItem]) -> int:
    """The interview's total clock: the sum of its questions' budgets, in seconds."""
    return sum(question_budget_seconds(item.question) for item in items)


def plan_mock(
    items: Iterable[StudyItem],
    n: int = 8,
    seed: int = 0,
    filters: Filters = NO_FILTERS,
) -> list[StudyItem]:
    """Pick the questions of a mock interview.

    Args:
        items: Every loaded question.
        n: How many questions; fewer when the (filtered) pool is smaller.
        seed: Same seed and pool, same interview.
        filters: Which questions the pool holds.

    Returns:
        `min(n, pool size)` distinct items, easiest first (a warm-up, as interviews go),
        in pick order among equal difficulty.

    Raises:
        ValueError: If `n` is negative.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    pool = matching(items, filters)
    random.Random(seed).shuffle(pool)
    topics: Counter[str] = Counter()
    difficulties: Counter[int] = Counter()
    kinds: Counter[Kind] = Counter()
    covered: set[tuple[str, str]] = set()
    chosen: list[StudyItem] = []

    def cost(item: StudyItem) -> tuple[int, int, int, int]:
        question = item.question
        fresh = sum((item.pack_id, c) not in covered for c in set(question.covers))
        return (
            topics[question.topic],
            -fresh,
            difficulties[question.difficulty],
            kinds[question_kind(question)],
        )

    while pool and len(chosen) < n:
        # min() returns the first of equal costs: the seeded shuffle breaks ties.
        best = min(pool, key=cost)
        pool.remove(best)
        chosen.append(best)
        question = best.question
        topics[question.topic] += 1
        difficulties[question.difficulty] += 1
        kinds[question_kind(question)] += 1
        covered.update((best.pack_id, c) for c in question.covers)
    return sorted(chosen, key=lambda item: item.question.difficulty)
