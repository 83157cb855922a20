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

#: The share of a mock's questions that are executed (a probe computes the answer, or
#: code runs on a harness's cases) when the pool has them: they are the questions no
#: other tool can ask, and an interviewer's "what does this step return?" is one. Not
#: all: recall, choice and explain questions test the vocabulary and the explanations a
#: real interview asks for too.
EXECUTED_SHARE = 0.4


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


def is_executed(question: AnyQuestion) -> bool:
    """True for the questions a mock's executed share counts: a probe computes the answer
    (shape, number, sequence...) or the learner's code runs."""
    return question_kind(question) in ("executed", "code")


def executed_target(n: int, share: float) -> int:
    """How many of `n` questions the executed share asks for (at least one when above 0)."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"the executed share must be 0..1, got {share}")
    return min(n, max(1 if share > 0 else 0, round(n * share)))


def plan_mock(
    items: Iterable[StudyItem],
    n: int = 8,
    seed: int = 0,
    filters: Filters = NO_FILTERS,
    executed_share: float | None = None,
) -> list[StudyItem]:
    """Pick the questions of a mock interview.

    Args:
        items: Every loaded question.
        n: How many questions; fewer when the (filtered) pool is smaller.
        seed: Same seed and pool, same interview.
        filters: Which questions the pool holds.
        executed_share: The share of executed questions (`is_executed`), as far as the
            pool has them, the rest the others (`MockOptions` passes `EXECUTED_SHARE`
            unless the learner chose another); None leaves the mix to stratification.

    Returns:
        `min(n, pool size)` distinct items, at most one of each `group:` (siblings give
        each other away), easiest first (a warm-up, as interviews go), in pick order
        among equal difficulty.

    Raises:
        ValueError: If `n` is negative or the share outside 0..1.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    wanted = None if executed_share is None else executed_target(n, executed_share)
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
        executed = sum(is_executed(item.question) for item in chosen)
        others = len(chosen) - executed
        # Each kind up to its share, while the pool has it; then whatever is left.
        if wanted is None:
            kind = pool
        elif executed >= wanted:
            kind = [item for item in pool if not is_executed(item.question)]
        elif others >= n - wanted:
            kind = [item for item in pool if is_executed(item.question)]
        else:
            kind = pool
        # min() returns the first of equal costs: the seeded shuffle breaks ties.
        best = min(kind or pool, key=cost)
        pool.remove(best)
        chosen.append(best)
        question = best.question
        if question.group is not None:  # siblings give each other away
            pool = [item for item in pool if item.question.group != question.group]
        topics[question.topic] += 1
        difficulties[question.difficulty] += 1
        kinds[question_kind(question)] += 1
        covered.update((best.pack_id, c) for c in question.covers)
    return sorted(chosen, key=lambda item: item.question.difficulty)
