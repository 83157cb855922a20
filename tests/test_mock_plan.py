"""Mock-interview planning: stratified, reproducible, and time budgets."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from study_factories import item, question

from quizapp.study.mock_plan import (
    BUDGET_STEP_SECONDS,
    plan_mock,
    question_budget_seconds,
    question_kind,
    total_budget,
)
from quizapp.study.planning import Filters, StudyItem

TOPICS = ("model-vs-scheduler", "timesteps", "cfg", "latents")
KINDS = (("choice", False), ("sequence", True), ("explain", False), ("numeric", False))


def grid_pool() -> list[StudyItem]:
    """4 topics x 5 difficulties, kinds rotating, all in one topic-sorted pack order."""
    pool = []
    for t, topic in enumerate(TOPICS):
        for difficulty in range(1, 6):
            type_, executed = KINDS[(t + difficulty) % len(KINDS)]
            pool.append(
                item(
                    f"{topic}-{difficulty}",
                    type_,
                    topic=topic,
                    difficulty=difficulty,
                    executed=executed,
                    covers=(f"obj-{topic}-{difficulty % 2}",),
                )
            )
    return pool


@pytest.mark.parametrize("seed", range(10))
def test_stratified_across_topics_difficulty_and_kinds(seed: int) -> None:
    planned = plan_mock(grid_pool(), n=8, seed=seed)
    assert len(planned) == 8
    assert Counter(i.question.topic for i in planned) == dict.fromkeys(TOPICS, 2)
    difficulties = Counter(i.question.difficulty for i in planned)
    assert len(difficulties) == 5 and max(difficulties.values()) <= 2
    kinds = {question_kind(i.question) for i in planned}
    assert {"executed", "choice", "explain"} <= kinds
    objectives = {c for i in planned for c in i.question.covers}
    assert len(objectives) == 8  # every topic's two objectives


def test_easiest_first() -> None:
    planned = plan_mock(grid_pool(), n=8, seed=3)
    difficulties = [i.question.difficulty for i in planned]
    assert difficulties == sorted(difficulties)


def test_seed_reproducible_and_seeds_differ() -> None:
    pool = grid_pool()
    assert plan_mock(pool, seed=7) == plan_mock(list(pool), seed=7)
    assert [i.key for i in plan_mock(pool, seed=7)] == [i.key for i in plan_mock(pool, seed=7)]
    picks = {tuple(i.key for i in plan_mock(pool, seed=s)) for s in range(10)}
    assert len(picks) > 1


def test_n_larger_than_pool_returns_the_whole_pool() -> None:
    pool = grid_pool()[:5]
    planned = plan_mock(pool, n=50)
    assert sorted(i.key for i in planned) == sorted(i.key for i in pool)
    assert plan_mock(pool, n=0) == []
    assert plan_mock([], n=8) == []
    with pytest.raises(ValueError):
        plan_mock(pool, n=-1)


def test_filters() -> None:
    pool = [*grid_pool(), item("other", pack="pack-b", topic="cfg")]
    assert {i.question.topic for i in plan_mock(pool, n=20, filters=Filters(topic="cfg"))} == {
        "cfg"
    }
    assert [i.key for i in plan_mock(pool, n=20, filters=Filters(pack="pack-b"))] == [
        ("pack-b", "other")
    ]


def test_budgets() -> None:
    easy_choice = question("a", "choice", difficulty=1)
    hard_choice = question("b", "choice", difficulty=5)
    hard_explain = question("c", "explain", difficulty=5)
    for q in (easy_choice, hard_choice, hard_explain):
        assert question_budget_seconds(q) % BUDGET_STEP_SECONDS == 0
    assert question_budget_seconds(easy_choice) < question_budget_seconds(hard_choice)
    assert question_budget_seconds(hard_choice) < question_budget_seconds(hard_explain)
    assert question_budget_seconds(question("d", "choice", difficulty=3)) == 60
    items = [StudyItem("p", q) for q in (easy_choice, hard_choice, hard_explain)]
    assert total_budget(items) == sum(question_budget_seconds(i.question) for i in items)
    assert total_budget([]) == 0


pools = st.lists(
    st.tuples(
        st.sampled_from(["t1", "t2", "t3", "t4", "t5"]),
        st.integers(min_value=1, max_value=5),
        st.sampled_from(KINDS),
        st.sampled_from(["pack-a", "pack-b"]),
        st.sampled_from(["q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7"]),
    ),
    max_size=40,
)


@given(pools, st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=2**32))
def test_plan_invariants(
    spec: list[tuple[str, int, tuple[str, bool], str, str]], n: int, seed: int
) -> None:
    # Question ids repeat on purpose: duplicate keys in the input must not be picked twice.
    pool = [
        item(qid, kind[0], pack=pack, topic=topic, difficulty=d, executed=kind[1])
        for topic, d, kind, pack, qid in spec
    ]
    distinct = {i.key: i for i in reversed(pool)}  # the first item of each key wins
    planned = plan_mock(pool, n=n, seed=seed)
    assert len(planned) == len({i.key for i in planned}), "duplicates"
    assert len(planned) == min(n, len(distinct))
    assert planned == plan_mock(pool, n=n, seed=seed)
    # Round-robin: a topic trails another by more than one only when it has run out.
    picked = Counter(i.question.topic for i in planned)
    available = Counter(i.question.topic for i in distinct.values())
    for a in available:
        for b in available:
            if picked[a] + 1 < picked[b]:
                assert picked[a] == available[a]


def mixed_pool(executed: int, others: int) -> list[StudyItem]:
    pool = [item(f"x{i}", "sequence", topic=f"t{i % 4}", executed=True) for i in range(executed)]
    pool += [item(f"c{i}", "choice", topic=f"t{i % 4}") for i in range(others)]
    pool.append(item("code", "code", topic="t9"))
    return pool


@pytest.mark.parametrize("seed", range(5))
def test_executed_questions_make_up_their_share(seed: int) -> None:
    from quizapp.study.mock_plan import EXECUTED_SHARE, executed_target, is_executed

    planned = plan_mock(mixed_pool(10, 30), n=10, seed=seed, executed_share=EXECUTED_SHARE)
    assert sum(is_executed(i.question) for i in planned) == executed_target(10, EXECUTED_SHARE)
    assert executed_target(10, EXECUTED_SHARE) == 4
    # Code counts as executed; a share of 0 asks none, 1 asks only executed ones.
    assert not any(
        is_executed(i.question) for i in plan_mock(mixed_pool(10, 30), 10, seed, executed_share=0.0)
    )
    assert all(
        is_executed(i.question) for i in plan_mock(mixed_pool(10, 30), 10, seed, executed_share=1.0)
    )


def test_the_share_yields_to_what_the_pool_has() -> None:
    from quizapp.study.mock_plan import is_executed

    planned = plan_mock(mixed_pool(1, 30), n=8, seed=3, executed_share=0.5)
    assert len(planned) == 8 and sum(is_executed(i.question) for i in planned) == 2  # x0, code
    planned = plan_mock(mixed_pool(10, 2), n=8, seed=3, executed_share=0.25)
    assert len(planned) == 8 and sum(not is_executed(i.question) for i in planned) == 2
    with pytest.raises(ValueError):
        plan_mock(mixed_pool(1, 1), n=2, executed_share=1.5)


def test_siblings_never_share_a_mock() -> None:
    pool = [item(f"s{i}", topic=f"t{i}", group="same") for i in range(4)] + [item("other")]
    planned = plan_mock(pool, n=5, seed=1)
    assert sum(i.question.group == "same" for i in planned) == 1 and len(planned) == 2


def test_fresh_seeds_open_with_different_questions() -> None:
    # The three mocks in a row opened alike: a new seed must draw anew.
    pool = mixed_pool(10, 30)
    openings = {tuple(i.key for i in plan_mock(pool, 8, seed)[:3]) for seed in range(5)}
    assert len(openings) >= 4
