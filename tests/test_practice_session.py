"""PracticeSession: answers recorded at once, ratings, overrides, cram, skip, flag, summary."""

from __future__ import annotations

import pytest
from tui_helpers import BASIC_PACKS, Clock

from quizapp.grading.result import GradeResult
from quizapp.packs.registry import Registry
from quizapp.store.db import Store
from quizapp.study.planning import StudyItem, study_items
from quizapp.study.practice import (
    RELEARN_AFTER,
    PracticeOptions,
    PracticeSession,
    rubric_rating,
)

RIGHT = GradeResult(True, "a", "a")
WRONG = GradeResult(False, "a", "b")
UNGRADED = GradeResult(None, "?", "0.3", "could not grade: worker exited")


def items() -> list[StudyItem]:
    registry = Registry.load([BASIC_PACKS])
    return study_items(registry)


def session(store: Store, clock: Clock, **options: object) -> PracticeSession:
    return PracticeSession.plan(items(), store, clock, PracticeOptions(**options))  # type: ignore[arg-type]


def test_plan_takes_new_questions_up_to_the_limit(store: Store) -> None:
    planned = session(store, Clock(), new_limit=3)
    assert [item.question.id for item in planned.items] == [
        "choice-noise",
        "shape-latent",
        "numeric-scaling",
    ]
    assert planned.progress() == "1/3 · ui-basics · model-vs-scheduler"


def test_record_commits_review_and_card_at_once(store: Store) -> None:
    clock = Clock()
    run = session(store, clock)
    run.show()
    clock.advance(seconds=30)
    outcome = run.record("b", WRONG)
    assert outcome.suggested == outcome.rating == 1
    [review] = store.reviews()
    assert (review.question_id, review.correct, review.rating, review.seconds) == (
        "choice-noise",
        False,
        1,
        30.0,
    )
    card = store.card("ui-basics", "choice-noise")
    assert card is not None and card.due > clock.now


def test_fast_right_is_easy_but_a_hint_caps_it_at_good(store: Store) -> None:
    run = session(store, Clock())
    run.show()
    assert run.record("a", RIGHT).rating == 4
    run.advance()
    run.show()
    assert run.next_hint() == "The VAE downsamples by 8."
    assert run.next_hint() is None
    assert run.record("(1,4,64,64)", RIGHT).rating == 3


def test_override_reschedules_from_the_card_before(store: Store) -> None:
    clock = Clock()
    run = session(store, clock)
    run.show()
    outcome = run.record("b", WRONG)
    again_due = store.card("ui-basics", "choice-noise").due  # type: ignore[union-attr]
    run.rate(outcome, 4)
    easy_due = store.card("ui-basics", "choice-noise").due  # type: ignore[union-attr]
    assert outcome.rating == 4
    assert easy_due > again_due
    # The stored review says what the learner chose, not the suggestion it replaced.
    [review] = store.reviews()
    assert review.rating == 4
    # Same as rating Easy straight away from a new card.
    other = Store.open(store.path.with_name("other.db"))
    fresh = session(other, clock)
    fresh.show()
    fresh.record("a", RIGHT)
    assert other.card("ui-basics", "choice-noise").due == easy_due  # type: ignore[union-attr]
    other.close()
    with pytest.raises(ValueError):
        run.rate(outcome, 5)


def test_cram_records_reviews_but_leaves_the_schedule(store: Store) -> None:
    run = session(store, Clock(), cram=True)
    assert len(run.items) == 7
    run.show()
    outcome = run.record("a", RIGHT)
    run.rate(outcome, 1)
    assert store.cards() == {}
    [review] = store.reviews()
    assert review.mode == "cram" and review.rating is None


def test_ungraded_answer_leaves_the_schedule_unless_rated(store: Store) -> None:
    run = session(store, Clock())
    run.advance()
    run.advance()
    run.show()
    outcome = run.record("0.3", UNGRADED)
    assert outcome.suggested is None and outcome.rating is None
    assert store.cards() == {}
    assert store.reviews()[0].correct is None
    run.rate(outcome, 2)
    assert store.card("ui-basics", "numeric-scaling") is not None
    assert store.reviews()[0].rating == 2


def test_self_rated_explain_uses_the_rubric(store: Store) -> None:
    assert [rubric_rating(n, 3) for n in range(4)] == [1, 2, 2, 3]
    run = session(store, Clock())
    while run.current is not None and run.current.question.type != "explain":
        run.advance()
    run.show()
    outcome = run.record("notes", GradeResult(None, "model answer", "notes"), rubric=(3, 3))
    assert outcome.rating == 3 and outcome.right


def test_skip_flag_and_summary(store: Store) -> None:
    clock = Clock()
    run = session(store, clock, new_limit=3)
    run.show()
    clock.advance(seconds=12)
    run.record("a", RIGHT)
    run.advance()
    run.flag("typo in the prompt")
    run.skip()
    run.show()
    clock.advance(seconds=5)
    run.record("0.5", WRONG)
    run.advance()
    # Rated Again: it comes back (the last question, so straight away), right this time.
    assert run.current is not None and run.current.question.id == "numeric-scaling"
    assert run.progress() == "4/4 · ui-basics · vae-scaling · again"
    assert not run.summary().ended_early  # only the relearning was left
    run.show()
    run.record("0.18215", RIGHT)
    run.advance()
    assert run.finished and run.current is None
    summary = run.summary()
    assert (summary.answered, summary.right, summary.skipped, summary.flagged) == (3, 2, 1, 1)
    assert (summary.planned, summary.done, summary.relearning, summary.relearned) == (3, 3, 1, 1)
    assert summary.seconds == 17
    assert summary.due_now == 0 and summary.next_due is not None
    [flag] = store.flags()
    assert (flag.question_id, flag.note) == ("shape-latent", "typo in the prompt")
    with pytest.raises(RuntimeError):
        run.skip()


def test_a_wrong_answer_comes_back_after_a_few_others_until_right(store: Store) -> None:
    clock = Clock()
    run = session(store, clock)
    first = run.current
    assert first is not None and len(run.items) == 7
    run.show()
    run.record("b", WRONG)
    run.advance()
    ids = [item.question.id for item in run.items]
    assert ids.index(first.question.id, 1) == 1 + RELEARN_AFTER
    assert len(run.items) == 8
    for _ in range(RELEARN_AFTER):
        run.skip()
    assert run.current == first
    run.show()
    run.record("b", WRONG)  # wrong again: back once more
    run.advance()
    assert [item.question.id for item in run.items].count(first.question.id) == 3
    summary = run.summary()
    assert summary.ended_early and (summary.planned, summary.done) == (7, 4)
    assert (summary.relearning, summary.relearned) == (1, 0)


def test_overriding_again_to_good_does_not_bring_it_back(store: Store) -> None:
    run = session(store, Clock())
    run.show()
    outcome = run.record("b", WRONG)
    run.rate(outcome, 3)
    run.advance()
    assert len(run.items) == 7


def test_a_skip_never_brings_a_question_back(store: Store) -> None:
    run = session(store, Clock())
    run.skip()
    assert len(run.items) == 7 and run.summary().relearning == 0
