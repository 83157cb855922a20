"""FSRS scheduling: fixed UTC datetimes, fuzzing off, so every due date is reproducible."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.store.rows import CardRow
from quizapp.study.scheduling import (
    AGAIN,
    EASY,
    GOOD,
    HARD,
    fast_threshold_seconds,
    is_due,
    new_card_json,
    review,
    suggest_rating,
)

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("correct", "seconds", "difficulty", "expected"),
    [
        (False, 1.0, 1, AGAIN),
        (False, 500.0, 5, AGAIN),
        (True, 8.0, 1, EASY),  # exactly the threshold counts as fast
        (True, 8.1, 1, GOOD),
        (True, 30.0, 5, EASY),  # harder questions earn more time
        (True, 30.0, 2, GOOD),
        (True, 0.0, 3, EASY),
        (None, 1.0, 1, GOOD),  # self-rated: no grade to go on
        (None, 999.0, 5, GOOD),
    ],
)
def test_suggest_rating_table(
    correct: bool | None, seconds: float, difficulty: int, expected: int
) -> None:
    assert suggest_rating(correct, seconds, difficulty) == expected


def test_fast_threshold_grows_with_difficulty() -> None:
    thresholds = [fast_threshold_seconds(d) for d in range(1, 6)]
    assert thresholds == sorted(thresholds) and len(set(thresholds)) == 5


@pytest.mark.parametrize(("seconds", "difficulty"), [(-1.0, 3), (1.0, 0), (1.0, 6)])
def test_suggest_rating_rejects_bad_input(seconds: float, difficulty: int) -> None:
    with pytest.raises(ValueError):
        suggest_rating(True, seconds, difficulty)


def test_first_review_again_sooner_than_good_sooner_than_easy() -> None:
    dues = {rating: review(None, rating, NOW)[1] for rating in (AGAIN, HARD, GOOD, EASY)}
    assert NOW < dues[AGAIN] < dues[GOOD] < dues[EASY]
    assert dues[AGAIN] <= dues[HARD] <= dues[GOOD]
    assert all(due.tzinfo is not None for due in dues.values())


def test_again_good_easy_order_holds_for_a_card_in_review() -> None:
    card_json, due = review(None, GOOD, NOW)
    card_json, due = review(card_json, GOOD, due)  # graduates to the Review state
    later = due + timedelta(days=1)
    dues = [review(card_json, rating, later)[1] for rating in (AGAIN, GOOD, EASY)]
    assert later < dues[0] < dues[1] < dues[2]
    assert dues[1] - later >= timedelta(days=1)


def test_review_is_deterministic() -> None:
    def run() -> list[tuple[str, datetime]]:
        results = []
        card_json: str | None = None
        at = NOW
        for rating in (GOOD, GOOD, AGAIN, GOOD, EASY):
            card_json, due = review(card_json, rating, at)
            results.append((card_json, due))
            at = due
        return results

    assert run() == run()


def test_review_returns_card_json_with_due() -> None:
    card_json, due = review(None, GOOD, NOW)
    data = json.loads(card_json)
    assert datetime.fromisoformat(data["due"]) == due
    assert datetime.fromisoformat(data["last_review"]) == NOW


def test_review_accepts_other_zones_and_rejects_naive() -> None:
    local = NOW.astimezone(timezone(timedelta(hours=-5)))
    assert review(None, GOOD, local) == review(None, GOOD, NOW)
    with pytest.raises(ValueError, match="timezone-aware"):
        review(None, GOOD, datetime(2025, 3, 1, 9))
    with pytest.raises(ValueError, match="rating"):
        review(None, 5, NOW)


def test_new_card_is_due_now() -> None:
    assert datetime.fromisoformat(json.loads(new_card_json(NOW))["due"]) == NOW


def test_is_due() -> None:
    card = CardRow("p", "q", "{}", NOW)
    assert is_due(card, NOW)
    assert is_due(card, NOW + timedelta(seconds=1))
    assert not is_due(card, NOW - timedelta(seconds=1))
    assert not is_due(None, NOW)


@given(
    ratings=st.lists(st.sampled_from([AGAIN, HARD, GOOD, EASY]), min_size=1, max_size=12),
    gaps=st.lists(st.integers(min_value=0, max_value=400 * 24 * 60), min_size=12, max_size=12),
)
def test_due_is_always_after_the_review(ratings: list[int], gaps: list[int]) -> None:
    card_json: str | None = None
    at = NOW
    for rating, gap in zip(ratings, gaps, strict=False):
        card_json, due = review(card_json, rating, at)
        assert due > at
        at = at + timedelta(minutes=gap)
