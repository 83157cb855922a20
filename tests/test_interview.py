"""MockInterview: clocks, answer / skip / back, pause, time-out, grades, rubric, storage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from study_factories import item, question

from quizapp.grading.grader import Reference
from quizapp.grading.result import GradeResult
from quizapp.store.db import Store
from quizapp.study import scheduling
from quizapp.study.interview import (
    InterviewError,
    MockInterview,
    MockOptions,
    describe_expected,
)
from quizapp.study.planning import Filters
from quizapp.study.report import from_json, to_json

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
RIGHT = GradeResult(correct=True, expected="a) yes", got="a) yes")
WRONG = GradeResult(correct=False, expected="a) yes", got="b) no", trap="trap")


class FakeClock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def interview(
    store: Store, clock: FakeClock, *types: str, total: int | None = None
) -> MockInterview:
    items = [
        item(f"q{i}", kind, topic=f"topic-{i % 2}", covers=(f"obj-{i}",))
        for i, kind in enumerate(types)
    ]
    started = MockInterview(items, store, clock, total_seconds=total)
    started.start()
    return started


def test_answers_move_forward_time_each_question_and_end_when_all_answered(
    store: Store,
) -> None:
    clock = FakeClock()
    mock = interview(store, clock, "choice", "choice")
    assert mock.total_seconds == 120  # two difficulty-3 choice questions, 60 s each
    clock.advance(20)
    assert mock.question_remaining() == 40
    assert mock.remaining() == 100
    first = mock.answer("a")
    assert first is not None and first.state == "answered" and first.seconds == 20
    assert mock.index == 1
    clock.advance(70)
    assert mock.question_remaining() == -10  # over budget shows as negative
    mock.answer("b")
    assert mock.finished and mock.end_reason == "done"
    assert mock.current is None
    assert mock.elapsed() == 90


def test_skip_then_back_returns_to_the_unanswered_question(store: Store) -> None:
    clock = FakeClock()
    mock = interview(store, clock, "choice", "choice", "choice")
    clock.advance(5)
    assert mock.skip()
    assert mock.index == 1 and mock.slots[0].state == "skipped"
    clock.advance(5)
    assert mock.back()
    assert mock.index == 0 and mock.slots[1].state == "skipped"
    clock.advance(5)
    mock.answer("a")
    # Forward from question 1: question 2 (left by `back`) is the next unanswered.
    assert mock.index == 1
    assert mock.slots[0].seconds == 10  # two visits of 5 s
    mock.answer("a")
    assert mock.index == 2
    # Back only goes to questions seen and left unanswered: none left.
    assert not mock.back()
    # Skipping the only unanswered question has nowhere to go: it stays.
    assert not mock.skip()
    assert mock.index == 2 and mock.slots[2].state == "open"


def test_skip_wraps_around_to_earlier_skipped_questions(store: Store) -> None:
    clock = FakeClock()
    mock = interview(store, clock, "choice", "choice")
    mock.skip()
    mock.answer("a")
    assert mock.index == 0 and not mock.finished


def test_pause_stops_both_clocks_and_is_recorded(store: Store) -> None:
    clock = FakeClock()
    mock = interview(store, clock, "choice")
    clock.advance(10)
    mock.pause()
    assert mock.paused
    clock.advance(300)  # longer than the whole interview: no time-out while paused
    assert not mock.check_time()
    assert mock.remaining() == 50
    with pytest.raises(InterviewError):
        mock.answer("a")
    mock.resume()
    clock.advance(5)
    assert mock.question_elapsed() == 15
    mock.answer("a")
    mock.accept_grade(0, RIGHT)
    report, row_id = mock.save()
    assert report.paused_seconds == 300
    assert report.elapsed_seconds == 15
    stored = store.mock_session()
    assert stored is not None and stored.id == row_id and stored.paused_seconds == 300


def test_time_out_marks_unanswered_missed_and_ends_at_the_deadline(store: Store) -> None:
    clock = FakeClock()
    mock = interview(store, clock, "choice", "choice", "choice", total=100)
    clock.advance(30)
    mock.answer("a")
    clock.advance(50)
    mock.skip()
    clock.advance(45)  # the clock ran out 20 s into question 3
    assert mock.check_time()
    assert mock.end_reason == "timeout"
    assert mock.finished_at == START + timedelta(seconds=100)
    assert [slot.state for slot in mock.slots] == ["answered", "missed", "missed"]
    assert mock.slots[2].seconds == 20  # time after the deadline is not charged
    assert not mock.check_time()  # already over
    mock.accept_grade(0, RIGHT)
    mock.accept_expected(1, "a) yes")
    mock.accept_expected(2, "a) yes")
    report = mock.report()
    assert report.budget_seconds == 100 and report.elapsed_seconds == 100
    assert from_json(to_json(report)) == report


def test_an_answer_after_the_deadline_is_not_taken(store: Store) -> None:
    clock = FakeClock()
    mock = interview(store, clock, "choice", total=30)
    clock.advance(31)
    assert mock.answer("a") is None
    assert mock.finished and mock.slots[0].state == "missed"


def test_grades_arrive_in_the_background_and_the_report_waits_for_them(store: Store) -> None:
    clock = FakeClock()
    mock = interview(store, clock, "choice", "shape", "choice")
    mock.answer("a")
    mock.answer("(1, 2)")
    mock.skip()  # question 3: the only unanswered one left, so it stays
    mock.end()
    assert mock.end_reason == "ended"
    assert mock.slots[2].state == "skipped"
    assert mock.pending_grades() == [0, 1]
    assert mock.needs_expected() == [2]
    assert not mock.ready
    with pytest.raises(InterviewError):
        mock.report()
    # Out of order, as worker threads finish.
    mock.accept_grade(1, GradeResult(correct=False, expected="(2, 4, 64, 64)", got="(1, 2)"))
    mock.accept_grade(0, RIGHT)
    mock.accept_expected(2, "a) yes")
    assert mock.ready
    report = mock.report()
    assert [i.status for i in report.items] == ["answered", "answered", "skipped"]
    assert [i.credit for i in report.items] == [1.0, 0.0, 0.0]
    assert report.items[1].expected == "(2, 4, 64, 64)"
    assert report.items[2].expected == "a) yes"


def test_rubric_ticks_give_partial_credit_and_a_rating(store: Store) -> None:
    clock = FakeClock()
    mock = interview(store, clock, "explain", "flashcard", "explain")
    mock.answer("notes on the state object")
    mock.answer("recalled")
    mock.answer("")
    assert mock.needs_self_score() == [0, 1, 2]
    assert mock.slots[0].rubric == ("names the state", "names the shape", "names the trade-off")
    mock.self_score(0, [0, 2])
    mock.self_score(1, [0])
    mock.self_score(2, [])
    report = mock.report()
    assert report.items[0].credit == pytest.approx(2 / 3)
    assert report.items[0].missed_rubric == ("names the shape",)
    assert report.items[0].expected == "A model answer."
    assert report.items[1].credit == 1.0 and report.items[1].correct is True
    assert report.items[2].credit == 0.0
    ratings = {row.question_id: row.rating for row in store.reviews()}
    assert ratings == {"q0": scheduling.HARD, "q1": scheduling.GOOD, "q2": scheduling.AGAIN}
    with pytest.raises(InterviewError):
        mock.accept_grade(0, RIGHT)


def test_answers_are_stored_as_mock_reviews_and_reschedule_cards(store: Store) -> None:
    clock = FakeClock()
    mock = interview(store, clock, "choice", "choice", "choice")
    clock.advance(100)  # slow: right but not fast, so Good
    mock.answer("a")
    clock.advance(2)
    mock.answer("b")
    mock.skip()
    mock.end()
    # Nothing is stored until a grade is known.
    assert store.reviews() == []
    mock.accept_grade(0, RIGHT)
    mock.accept_grade(1, WRONG)
    mock.accept_expected(2, "a) yes")
    reviews = store.reviews()
    assert [(r.question_id, r.mode, r.correct, r.rating) for r in reviews] == [
        ("q0", "mock", True, scheduling.GOOD),
        ("q1", "mock", False, scheduling.AGAIN),
    ]
    assert reviews[0].reviewed_at == START + timedelta(seconds=100)
    assert set(store.cards()) == {("pack-a", "q0"), ("pack-a", "q1")}
    report, _ = mock.save()
    stored = store.mock_session()
    assert stored is not None
    assert stored.score == pytest.approx(1 / 3)
    assert from_json(stored.report_json) == report
    assert report.traps and report.traps[0].question_id == "q1"


def test_an_ungraded_answer_is_recorded_without_touching_the_schedule(store: Store) -> None:
    clock = FakeClock()
    mock = interview(store, clock, "shape")
    mock.answer("(1, 2)")
    mock.accept_grade(0, GradeResult(correct=None, expected="?", got="(1, 2)", detail="x"))
    assert [r.rating for r in store.reviews()] == [None]
    assert store.cards() == {}
    assert mock.report().items[0].scored is False


def test_actions_need_a_running_interview(store: Store) -> None:
    mock = MockInterview([item("q0")], store, FakeClock())
    with pytest.raises(InterviewError):
        mock.answer("a")
    with pytest.raises(ValueError):
        MockInterview([], store, FakeClock())
    with pytest.raises(ValueError):
        MockInterview([item("q0")], store, FakeClock(), total_seconds=0)


def test_describe_expected_by_type() -> None:
    choice = question("c", "choice")
    assert describe_expected(choice, None) == "a) yes"
    assert describe_expected(question("s", "shape"), Reference([2, 4, 64, 64])) == "(2, 4, 64, 64)"
    assert describe_expected(question("n", "numeric"), Reference(0.182150001)) == "0.18215"
    assert describe_expected(question("e", "explain"), None) == "A model answer."


def test_plan_picks_seeded_questions_and_sets_the_clock(store: Store) -> None:
    pool = [item(f"q{i}", topic=f"t{i % 3}") for i in range(10)]
    options = MockOptions(questions=4, minutes=2.5, seed=7)
    first = MockInterview.plan(pool, store, FakeClock(), options)
    again = MockInterview.plan(pool, store, FakeClock(), options)
    assert first is not None and again is not None
    assert [s.item.key for s in first.slots] == [s.item.key for s in again.slots]
    assert len(first.slots) == 4 and first.total_seconds == 150 and not first.started
    assert MockInterview.plan(pool, store, FakeClock(), MockOptions(Filters(topic="nope"))) is None


def test_without_a_seed_each_mock_draws_anew_and_keeps_its_seed(store: Store) -> None:
    pool = [item(f"q{i}", topic=f"t{i % 5}") for i in range(40)]
    clock = FakeClock()
    drawn = []
    for _ in range(3):
        interview = MockInterview.plan(pool, store, clock, MockOptions(questions=5))
        assert interview is not None and interview.seed is not None
        drawn.append((interview.seed, [s.item.key for s in interview.slots]))
        clock.advance(seconds=90)  # the next attempt, a minute and a half later
    assert len({seed for seed, _ in drawn}) == 3 and len({tuple(k) for _, k in drawn}) == 3
    seed, keys = drawn[0]
    replayed = MockInterview.plan(pool, store, clock, MockOptions(questions=5, seed=seed))
    assert replayed is not None and [s.item.key for s in replayed.slots] == keys
