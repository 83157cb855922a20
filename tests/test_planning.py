"""Practice and cram planning: due first, most overdue first, then new up to the limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from study_factories import item

from quizapp.store.rows import CardRow
from quizapp.study.planning import Filters, StudyItem, matching, plan_cram, plan_practice

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def card(study_item: StudyItem, due: datetime) -> CardRow:
    return CardRow(study_item.pack_id, study_item.question.id, "{}", due)


def keys(items: list[StudyItem]) -> list[str]:
    return [i.question.id for i in items]


def test_due_first_most_overdue_first_then_new_in_pack_order() -> None:
    pool = [item(f"q{i}") for i in range(8)]
    cards = {
        pool[1].key: card(pool[1], NOW - timedelta(hours=1)),
        pool[3].key: card(pool[3], NOW - timedelta(days=3)),  # most overdue
        pool[4].key: card(pool[4], NOW + timedelta(days=1)),  # not due: left out
        pool[6].key: card(pool[6], NOW),  # due exactly now
    }
    assert keys(plan_practice(pool, cards, NOW)) == ["q3", "q1", "q6", "q0", "q2", "q5", "q7"]


def test_equal_due_times_keep_pack_order() -> None:
    pool = [item(f"q{i}") for i in range(4)]
    cards = {i.key: card(i, NOW - timedelta(hours=1)) for i in pool}
    assert keys(plan_practice(pool, cards, NOW)) == ["q0", "q1", "q2", "q3"]


def test_new_limit() -> None:
    pool = [item(f"q{i}") for i in range(20)]
    cards = {pool[19].key: card(pool[19], NOW - timedelta(minutes=1))}
    assert keys(plan_practice(pool, cards, NOW, new_limit=3)) == ["q19", "q0", "q1", "q2"]
    assert keys(plan_practice(pool, cards, NOW, new_limit=0)) == ["q19"]
    assert len(plan_practice(pool, {}, NOW)) == 10  # the default
    with pytest.raises(ValueError):
        plan_practice(pool, cards, NOW, new_limit=-1)


def test_due_cards_are_not_capped_by_the_new_limit() -> None:
    pool = [item(f"q{i}") for i in range(5)]
    cards = {i.key: card(i, NOW - timedelta(days=1)) for i in pool}
    assert len(plan_practice(pool, cards, NOW, new_limit=0)) == 5


def test_filters_by_pack_topic_and_tag() -> None:
    pool = [
        item("a1", pack="pa", topic="cfg", tags=("unet",)),
        item("a2", pack="pa", topic="timesteps"),
        item("b1", pack="pb", topic="cfg", tags=("unet", "latents")),
        item("b2", pack="pb", topic="cfg"),
    ]
    assert keys(plan_practice(pool, {}, NOW, filters=Filters(pack="pb"))) == ["b1", "b2"]
    # The order interleaves packs (test_session_order.py); the filters decide the set.
    cfg = plan_practice(pool, {}, NOW, filters=Filters(topic="cfg"))
    assert sorted(keys(cfg)) == ["a1", "b1", "b2"]
    assert sorted(keys(plan_practice(pool, {}, NOW, filters=Filters(tag="unet")))) == ["a1", "b1"]
    assert keys(
        plan_practice(pool, {}, NOW, filters=Filters(pack="pa", topic="cfg", tag="unet"))
    ) == ["a1"]
    assert plan_practice(pool, {}, NOW, filters=Filters(topic="nothing")) == []


def test_same_question_id_in_two_packs_are_different_items() -> None:
    pool = [item("q", pack="pa"), item("q", pack="pb"), item("q", pack="pa")]
    cards = {pool[1].key: card(pool[1], NOW + timedelta(days=1))}
    planned = plan_practice(pool, cards, NOW)
    assert [i.key for i in planned] == [("pa", "q")]  # duplicate dropped, pb's not due


def test_cards_of_removed_questions_are_ignored() -> None:
    pool = [item("q0")]
    gone = CardRow("pack-a", "removed", "{}", NOW - timedelta(days=9))
    assert keys(plan_practice(pool, {gone.key: gone}, NOW)) == ["q0"]


def test_cram_ignores_due_dates_and_filters() -> None:
    pool = [item("a", topic="cfg"), item("b", topic="cfg"), item("c", topic="vae")]
    assert keys(plan_cram(pool)) == ["a", "c", "b"]  # topics alternate
    assert keys(plan_cram(pool, Filters(topic="cfg"))) == ["a", "b"]
    assert keys(plan_cram(pool, Filters(pack="elsewhere"))) == []


@given(
    dues=st.lists(
        st.one_of(st.none(), st.integers(min_value=-10_000, max_value=10_000)), max_size=30
    ),
    new_limit=st.integers(min_value=0, max_value=40),
)
def test_practice_plan_invariants(dues: list[int | None], new_limit: int) -> None:
    pool = [item(f"q{i}") for i in range(len(dues))]
    cards = {
        i.key: card(i, NOW + timedelta(minutes=m))
        for i, m in zip(pool, dues, strict=True)
        if m is not None
    }
    planned = plan_practice(pool, cards, NOW, new_limit=new_limit)
    assert len(set(planned)) == len(planned)
    due = [i for i in planned if i.key in cards]
    new = [i for i in planned if i.key not in cards]
    assert planned == due + new
    assert all(cards[i.key].due <= NOW for i in due)
    assert [cards[i.key].due for i in due] == sorted(cards[i.key].due for i in due)
    assert len(due) == sum(1 for m in dues if m is not None and m <= 0)
    assert len(new) == min(new_limit, sum(1 for m in dues if m is None))


def test_objective_filter_keeps_questions_covering_it() -> None:
    items = [
        item("a", covers=("cfg-batch",)),
        item("b", covers=("not-pixels", "cfg-batch")),
        item("c", covers=("not-pixels",)),
    ]
    assert [i.question.id for i in matching(items, Filters(objective="cfg-batch"))] == ["a", "b"]
    assert [i.question.id for i in plan_cram(items, Filters(objective="not-pixels"))] == ["b", "c"]
