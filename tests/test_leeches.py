"""Leeches: the threshold, suspension, and suspended questions never drawn."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tui_helpers import Clock, make_app

from quizapp.store import aggregates
from quizapp.store.db import Store
from quizapp.store.suspension import suspend
from quizapp.study.leeches import LEECH_FAILURES, leeches

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.anyio


def fail(store: Store, question: str, times: int, **kw: object) -> None:
    for n in range(times):
        correct = kw.get("correct", False)
        rating = kw.get("rating", 1)
        mode = kw.get("mode", "practice")
        store.record_review(
            "ui-basics",
            question,
            "x",
            correct,
            rating,
            1.0,
            mode,
            NOW + timedelta(hours=n),  # type: ignore[arg-type]
        )


def test_six_failures_make_a_leech_five_do_not(store: Store) -> None:
    assert LEECH_FAILURES == 6
    fail(store, "choice-noise", 6)
    fail(store, "shape-latent", 5)
    # Failures count in every mode and for self-rated Again; right answers never.
    fail(store, "text-owner", 3, mode="mock", rating=None)
    fail(store, "text-owner", 3, correct=None, rating=1)
    fail(store, "numeric-scaling", 9, correct=True, rating=3)
    found = leeches(aggregates.failure_counts(store, LEECH_FAILURES), set())
    assert [(x.question_id, x.failures, x.suspended) for x in found] == [
        ("choice-noise", 6, False),
        ("text-owner", 6, False),
    ]
    assert found[0].last_failed == NOW + timedelta(hours=5)
    suspend(store, "ui-basics", "text-owner", NOW)
    found = leeches(aggregates.failure_counts(store, LEECH_FAILURES), {("ui-basics", "text-owner")})
    assert [x.suspended for x in found] == [False, True]


async def test_suspended_questions_are_never_drawn(store: Store) -> None:
    suspend(store, "ui-basics", "choice-noise", NOW)
    app = make_app(store, Clock())
    async with app.run_test():
        keys = {item.key for item in app.study_items()}
        assert ("ui-basics", "choice-noise") not in keys
        assert ("ui-basics", "shape-latent") in keys
