"""The small values the study layer shares: Rating, Filters, m:ss, and record_answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from study_factories import item

from quizapp.store.db import Store
from quizapp.store.rows import Rating
from quizapp.study.clock import minutes_seconds
from quizapp.study.planning import NO_FILTERS, Filters, matching
from quizapp.study.recording import record_answer, reschedule

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def test_rating_of_accepts_1_to_4_only() -> None:
    assert [Rating.of(n) for n in (1, 2, 3, 4)] == list(Rating)
    assert Rating.of(3).label == "Good"
    for bad in (0, 5, -1, True):
        with pytest.raises(ValueError, match=r"rating must be 1\.\.4"):
            Rating.of(bad)


def test_the_store_refuses_a_rating_outside_1_to_4(store: Store) -> None:
    with pytest.raises(ValueError, match=r"rating must be 1\.\.4"):
        store.record_review("p", "q", "a", True, 5, 1.0, "practice", T0)  # type: ignore[arg-type]
    review_id = store.record_review("p", "q", "a", True, Rating.GOOD, 1.0, "practice", T0)
    with pytest.raises(ValueError, match=r"rating must be 1\.\.4"):
        store.set_review_rating(review_id, 0)  # type: ignore[arg-type]
    assert store.reviews()[0].rating is Rating.GOOD


def test_filters_admit_by_every_set_field() -> None:
    a = item("a", pack="p1", topic="cfg", tags=("unet",), covers=("obj",))
    b = item("b", pack="p2", topic="vae")
    assert matching([a, b], NO_FILTERS) == [a, b]
    assert matching([a, b], Filters(pack="p1")) == [a]
    assert matching([a, b], Filters(topic="vae")) == [b]
    assert matching([a, b], Filters(tag="unet", objective="obj")) == [a]
    assert matching([a, b], Filters(pack="p1", topic="vae")) == []


def test_filters_as_command_line_flags() -> None:
    assert NO_FILTERS.flags == ""
    assert Filters(pack="p", objective="o").flags == "--pack p --objective o"


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0, "0:00"), (5.4, "0:05"), (65, "1:05"), (3600, "60:00")]
)
def test_minutes_seconds(seconds: float, shown: str) -> None:
    assert minutes_seconds(seconds) == shown


@given(st.integers(min_value=0, max_value=10**6))
def test_minutes_seconds_reads_back(seconds: int) -> None:
    minutes, rest = minutes_seconds(seconds).split(":")
    assert int(minutes) * 60 + int(rest) == seconds and len(rest) == 2


def test_record_answer_stores_the_review_and_reschedules(store: Store) -> None:
    q = item("q")
    recorded = record_answer(store, q, "a", True, Rating.GOOD, 2.0, "practice", T0)
    assert recorded.card_before is None
    [review] = store.reviews()
    assert (review.id, review.rating, review.mode) == (recorded.review_id, Rating.GOOD, "practice")
    card = store.card(*q.key)
    assert card is not None and card.due > T0


def test_record_answer_without_a_rating_leaves_the_card_alone(store: Store) -> None:
    record_answer(store, item("q"), "a", None, None, 2.0, "mock", T0)
    assert store.reviews()[0].rating is None
    assert store.card("pack-a", "q") is None


def test_a_cram_answer_stores_no_rating_and_no_card(store: Store) -> None:
    record_answer(store, item("q"), "a", True, Rating.EASY, 2.0, "cram", T0)
    assert store.reviews()[0].rating is None
    assert store.card("pack-a", "q") is None


def test_reschedule_starts_from_the_card_before_the_answer(store: Store) -> None:
    q = item("q")
    first = record_answer(store, q, "a", True, Rating.EASY, 2.0, "practice", T0)
    easy = store.card(*q.key)
    reschedule(store, q, first.card_before, Rating.AGAIN, T0)
    again = store.card(*q.key)
    assert easy is not None and again is not None
    assert again.due < easy.due
    assert again.due - T0 < timedelta(days=1)
