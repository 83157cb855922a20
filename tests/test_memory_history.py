"""The dashboard's numbers: SQL aggregates on a known history, then the pure series.

Every expected value is counted by hand from the reviews written in each test.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime, timedelta

from quizapp.store.aggregates import DayAnswers
from quizapp.store.db import Store
from quizapp.store.migrations import LATEST_VERSION, TABLES
from quizapp.study.history import due_forecast, retention_by_week, reviews_by_day, week_start

NOW = datetime(2025, 3, 12, 15, 0, tzinfo=UTC)  # a Wednesday
TODAY = NOW.date()


def at(days_ago: float, hour: int = 9) -> datetime:
    day = NOW - timedelta(days=days_ago)
    return day.replace(hour=hour, minute=0)


def review(store: Store, question: str, when: datetime, correct: bool | None, **kw: object) -> None:
    rating = kw.get("rating", 3 if correct else 1)
    mode = kw.get("mode", "practice")
    store.record_review("p", question, "x", correct, rating, 1.0, mode, when)  # type: ignore[arg-type]


def test_migration_3_adds_settings_suspended_and_indexes(store: Store) -> None:
    assert LATEST_VERSION >= 3
    # The schema is read beside the store: queries are Store methods, none takes raw SQL.
    with closing(sqlite3.connect(store.path)) as db:
        names = db.execute("SELECT type, name FROM sqlite_master").fetchall()
    tables = {name for kind, name in names if kind == "table"}
    assert tables >= TABLES and {"settings", "suspended"} <= tables
    indexes = {name for kind, name in names if kind == "index"}
    assert {"reviews_by_time", "reviews_failed", "cards_by_due"} <= indexes


def test_answers_per_day_counts_right_and_wrong_by_utc_day(store: Store) -> None:
    review(store, "a", at(0), True)
    review(store, "b", at(0), False)
    review(store, "c", at(0), None, rating=4)  # self-rated Easy: right
    review(store, "d", at(0), None, rating=2)  # self-rated Hard: not right
    review(store, "e", at(0), None, rating=None, mode="mock")  # unscored: left out
    review(store, "a", at(2), True, mode="cram")
    rows = store.answers_per_day(at(10), NOW + timedelta(days=1))
    assert rows == [DayAnswers(TODAY - timedelta(days=2), 1, 0), DayAnswers(TODAY, 2, 2)]
    series = reviews_by_day(rows, TODAY, days=3)
    assert [(d.day, d.right, d.wrong) for d in series] == [
        (TODAY - timedelta(days=2), 1, 0),
        (TODAY - timedelta(days=1), 0, 0),
        (TODAY, 2, 2),
    ]


def test_true_retention_counts_only_reviews_after_an_earlier_day(store: Store) -> None:
    # q1: first seen 8 days ago (not a due review), relearned the same day (not one
    # either), then due 1 day ago (right) and today (wrong).
    review(store, "q1", at(8, 9), False)
    review(store, "q1", at(8, 10), True)
    review(store, "q1", at(1), True)
    review(store, "q1", at(0), False)
    # q2: seen 9 days ago; due 7 days ago, right; a cram answer today does not count.
    review(store, "q2", at(9), True)
    review(store, "q2", at(7), True)
    review(store, "q2", at(0), True, mode="cram")
    rows = store.due_answers_per_day(at(30), NOW + timedelta(days=1))
    assert rows == [
        DayAnswers(TODAY - timedelta(days=7), 1, 0),
        DayAnswers(TODAY - timedelta(days=1), 1, 0),
        DayAnswers(TODAY, 0, 1),
    ]
    weeks = retention_by_week(rows, TODAY, weeks=3)
    this_week = week_start(TODAY)
    assert [w.week for w in weeks] == [this_week - timedelta(weeks=n) for n in (2, 1, 0)]
    # 7 days ago (Wednesday 5 Mar) is last week; 1 day ago (Tuesday) and today this week.
    assert [(w.right, w.total) for w in weeks] == [(0, 0), (1, 1), (1, 2)]
    assert [w.retention for w in weeks] == [None, 1.0, 0.5]


def test_due_forecast_folds_overdue_into_today_and_skips_suspended(store: Store) -> None:
    for name, due in [("a", at(3)), ("b", at(0)), ("c", at(-1)), ("d", at(-1)), ("e", at(-40))]:
        store.save_card("p", name, "{}", due)
    store.save_card("p", "s", "{}", at(-2))
    store.suspend("p", "s", NOW)
    rows = store.due_cards_per_day(NOW + timedelta(days=30))
    forecast = due_forecast(rows, TODAY, days=5)
    assert forecast == [2, 2, 0, 0, 0]
    store.unsuspend("p", "s")
    forecast = due_forecast(store.due_cards_per_day(NOW + timedelta(30)), TODAY, 5)
    assert forecast == [2, 2, 1, 0, 0]


def test_suspension_round_trip(store: Store) -> None:
    store.suspend("p", "q", NOW)
    store.suspend("p", "q", NOW + timedelta(days=1))  # idempotent
    assert store.suspended_keys() == {("p", "q")}
    assert store.unsuspend("p", "q") is True
    assert store.unsuspend("p", "q") is False
    assert store.suspended_keys() == set()


def test_unsuspended_hides_suspended_keys_and_keeps_the_order(store: Store) -> None:
    store.suspend("p", "b", NOW)
    keys = [("p", "c"), ("p", "b"), ("p", "a"), ("q", "b")]
    assert store.unsuspended(keys) == [("p", "c"), ("p", "a"), ("q", "b")]
    assert store.unsuspended(iter(keys)) == [("p", "c"), ("p", "a"), ("q", "b")]
    store.unsuspend("p", "b")
    assert store.unsuspended(keys) == keys


def test_learned_keys_split_due_and_learned(store: Store) -> None:
    store.save_card("p", "due", "{}", at(1))
    store.save_card("p", "later", "{}", at(-1))
    assert store.learned_keys(NOW) == {("p", "due"): False, ("p", "later"): True}


def test_week_start_is_monday() -> None:
    assert week_start(date(2025, 3, 12)) == date(2025, 3, 10)
    assert week_start(date(2025, 3, 10)) == date(2025, 3, 10)
    assert week_start(date(2025, 3, 16)) == date(2025, 3, 10)
