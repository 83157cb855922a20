"""Session order: siblings left out, packs interleaved, topics alternating within a pack."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from study_factories import item

from quizapp.store.rows import CardRow
from quizapp.study.planning import StudyItem, plan_cram, plan_practice
from quizapp.study.session_order import MAX_RUN, interleave, without_siblings

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def keys(items: list[StudyItem]) -> list[str]:
    return [i.question.id for i in items]


def longest_run(items: list[StudyItem]) -> int:
    best = run = 0
    previous = None
    for entry in items:
        run = run + 1 if entry.pack_id == previous else 1
        previous = entry.pack_id
        best = max(best, run)
    return best


def test_ten_new_questions_of_two_packs_never_three_in_a_row_from_one() -> None:
    # The session: "practise all" asked 10 of 10 from the first pack.
    pool = [item(f"a{i}", pack="pa") for i in range(10)] + [
        item(f"b{i}", pack="pb") for i in range(10)
    ]
    planned = plan_practice(pool, {}, NOW, new_limit=10)
    assert {i.pack_id for i in planned} == {"pa", "pb"}
    assert longest_run(planned) <= MAX_RUN


def test_one_pack_left_runs_on_once_the_others_are_used_up() -> None:
    pool = [item(f"a{i}", pack="pa") for i in range(6)] + [item("b0", pack="pb")]
    ordered = interleave(pool)
    assert keys(ordered) == ["a0", "a1", "b0", "a2", "a3", "a4", "a5"]


def test_topics_alternate_within_a_pack_in_plan_order() -> None:
    pool = [
        item("c1", topic="cfg"),
        item("c2", topic="cfg"),
        item("t1", topic="timesteps"),
        item("c3", topic="cfg"),
        item("t2", topic="timesteps"),
    ]
    assert keys(interleave(pool)) == ["c1", "t1", "c2", "t2", "c3"]


def test_objectives_alternate_when_the_topic_cannot() -> None:
    pool = [
        item("x1", covers=("x",)),
        item("x2", covers=("x",)),
        item("y1", covers=("y",)),
    ]
    assert keys(interleave(pool)) == ["x1", "y1", "x2"]


def test_due_cards_come_before_new_ones_across_packs() -> None:
    pool = [item("a-new", pack="pa"), item("b-due", pack="pb"), item("a-due", pack="pa")]
    cards = {
        entry.key: CardRow(entry.pack_id, entry.question.id, "{}", NOW - timedelta(days=1))
        for entry in pool
        if entry.question.id.endswith("due")
    }
    planned = plan_practice(pool, cards, NOW)
    assert keys(planned)[2:] == ["a-new"]


def test_only_the_first_question_of_a_group_is_kept() -> None:
    pool = [
        item("raises", group="cfg-no-concat"),
        item("other"),
        item("unipc", group="cfg-no-concat", pack="pb"),  # groups span packs
    ]
    assert keys(without_siblings(pool)) == ["raises", "other"]
    assert keys(without_siblings(pool, taken={"cfg-no-concat"})) == ["other"]
    assert sorted(keys(plan_cram(pool))) == ["other", "raises"]


def test_a_buried_sibling_leaves_room_for_another_new_question() -> None:
    pool = [item("write-cfg", group="cfg"), item("fix-cfg", group="cfg"), item("third")]
    assert sorted(keys(plan_practice(pool, {}, NOW, new_limit=2))) == ["third", "write-cfg"]


@given(
    packs=st.lists(st.sampled_from(["pa", "pb", "pc"]), max_size=30),
    topics=st.lists(st.sampled_from(["t1", "t2"]), min_size=30, max_size=30),
)
def test_interleave_keeps_every_item_and_limits_runs(packs: list[str], topics: list[str]) -> None:
    pool = [item(f"q{i}", pack=p, topic=topics[i]) for i, p in enumerate(packs)]
    ordered = interleave(pool)
    assert sorted(keys(ordered)) == sorted(keys(pool))
    # A run longer than MAX_RUN only happens once every other pack is used up.
    for index in range(MAX_RUN, len(ordered)):
        window = ordered[index - MAX_RUN : index + 1]
        if len({i.pack_id for i in window}) == 1:
            rest = {i.pack_id for i in ordered[index:]}
            assert rest == {window[0].pack_id}


def test_a_used_up_pack_that_just_ran_does_not_block_the_others() -> None:
    # Hypothesis found it: pa's run of two used pa up, and two other packs were left.
    pool = [item("a0", pack="pa"), item("a1", pack="pa"), item("b0", pack="pb")]
    pool.append(item("c0", pack="pc"))
    assert sorted(keys(interleave(pool))) == ["a0", "a1", "b0", "c0"]
