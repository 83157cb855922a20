"""Leeches: the threshold, suspension, and suspended questions never drawn."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tui_helpers import Clock, make_app

from quizapp.store.db import Store
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
    found = leeches(store.failure_counts(LEECH_FAILURES), set())
    assert [(x.question_id, x.failures, x.suspended) for x in found] == [
        ("choice-noise", 6, False),
        ("text-owner", 6, False),
    ]
    assert found[0].last_failed == NOW + timedelta(hours=5)
    store.suspend("ui-basics", "text-owner", NOW)
    found = leeches(store.failure_counts(LEECH_FAILURES), {("ui-basics", "text-owner")})
    assert [x.suspended for x in found] == [False, True]


async def test_suspended_questions_are_never_drawn(store: Store) -> None:
    store.suspend("ui-basics", "choice-noise", NOW)
    app = make_app(store, Clock())
    async with app.run_test():
        keys = {item.key for item in app.context.items()}
        assert ("ui-basics", "choice-noise") not in keys
        assert ("ui-basics", "shape-latent") in keys


def test_stats_json_has_the_dashboard_series(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from test_cli_study import run
    from tui_helpers import BASIC_PACKS

    from quizapp import locations

    now = datetime.now(UTC)
    with Store.open(locations.db_path()) as opened:
        opened.record_review("ui-basics", "choice-noise", "a", True, 3, 2.0, "practice", now)
        opened.save_card("ui-basics", "choice-noise", "{}", now + timedelta(days=2))
        fail(opened, "shape-latent", 6)
        opened.suspend("ui-basics", "shape-latent", now)
    code, out, _ = run(["--packs", str(BASIC_PACKS), "stats", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert len(data["forecast"]) == 30 and data["forecast"][2] == 1 and sum(data["forecast"]) == 1
    assert len(data["reviews_by_day"]) == 90
    assert data["reviews_by_day"][-1] == {"date": now.date().isoformat(), "right": 1, "wrong": 0}
    assert len(data["retention_by_week"]) == 13
    assert [o for o in data["objectives"] if o["pack"] == "ui-basics"] == [
        {
            "pack": "ui-basics",
            "objective": "model-vs-scheduler",
            "text": "The model and scheduler have separate responsibilities.",
            "questions": 1,
            "learned": 1,
            "mastery": 1.0,
        }
    ]
    assert [(x["question"], x["failures"], x["suspended"]) for x in data["leeches"]] == [
        ("shape-latent", 6, True)
    ]
    assert data["suspended"] == 1
    # Suspended questions are neither due nor new: 7 questions, 1 scheduled, 1 suspended.
    assert data["installed"]["ui-basics"]["new"] == 5
