"""Histories replayed in Anki give the same stability, difficulty and next interval here.

The expected values are Anki's own (26.9.3, FSRS-6, default parameters and steps, next day
at 4 am), derived by `scripts/derive_anki_replay.py`, which answers each history in Anki's
backend at its own times (libfaketime) and in its own time zone.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from quizapp.study import scheduling
from quizapp.study.anki_states import CardState
from quizapp.study.days import Days
from quizapp.study.scheduling import MemoryModel

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "anki_replay.json").read_text())
HISTORIES: list[dict[str, Any]] = FIXTURE["histories"]
STATE_NAMES = {1: "learning", 2: "review", 3: "relearning"}


def test_the_fixture_has_enough_histories() -> None:
    assert len(HISTORIES) >= 20
    assert {h["zone"] for h in HISTORIES} >= {"UTC", "America/Los_Angeles"}


def _replay(
    history: dict[str, Any],
) -> Iterator[tuple[dict[str, Any], CardState, datetime, datetime]]:
    model = MemoryModel(
        desired_retention=FIXTURE["desired_retention"],
        days=Days(FIXTURE["rollover_hour"], ZoneInfo(history["zone"])),
    )
    card_json = None
    for (at_text, rating), expected in zip(history["reviews"], history["anki"], strict=True):
        at = datetime.fromisoformat(at_text).astimezone(UTC)
        card_json, due = scheduling.review(card_json, rating, at, model)
        yield expected, CardState.from_json(card_json), at, due


#: Known divergence: a card that graduated by Easy straight from its first learning step
#: (to 2 days: one more than Good's 1), answered Good again 21 minutes later. Anki keeps it
#: at 2 days; the early-review rule here (Hard keeps the interval) makes it 3. Every other
#: early review in the fixture follows that rule; strict, so a fix shows up.
DIVERGES = {1: "Easy-graduated card reviewed the same day: Anki keeps 2 days, quizapp gives 3"}


@pytest.mark.parametrize(
    "history",
    [
        pytest.param(h, marks=pytest.mark.xfail(strict=True, reason=DIVERGES[n]))
        if n in DIVERGES
        else h
        for n, h in enumerate(HISTORIES)
    ],
    ids=[f"h{n}" for n in range(len(HISTORIES))],
)
def test_replay_matches_anki(history: dict[str, Any]) -> None:
    zone = ZoneInfo(history["zone"])
    days = Days(FIXTURE["rollover_hour"], zone)
    for n, (expected, card, at, due) in enumerate(_replay(history)):
        where = f"review {n + 1} at {at.isoformat()}"
        assert card.stability == pytest.approx(expected["stability"], rel=1e-4), where
        assert card.difficulty == pytest.approx(expected["difficulty"], rel=1e-4), where
        assert STATE_NAMES[card.state] == expected["state"], where
        if expected["state"] == "review":
            assert (days.day_of(due) - days.day_of(at)).days == expected["interval_days"], where
            assert due == days.start_of(days.day_of(due)), where
        else:
            assert (due - at).total_seconds() == expected["delay_seconds"], where


def test_the_issues_example() -> None:
    # Good at 12:00, again at 12:10, then three days later at 12:00: S 13.84 / 14 days.
    history = HISTORIES[0]
    assert [r[1] for r in history["reviews"]] == [3, 3, 3]
    *_, (_anki, card, at, due) = _replay(history)
    assert card.stability == pytest.approx(13.84, abs=0.01)
    days = Days(4, UTC)
    assert (days.day_of(due) - days.day_of(at)).days == 14
    assert due == datetime(2026, 3, 19, 4, 0, tzinfo=UTC)  # the day starts at 4 am


def test_the_system_zone_is_used_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    # America/Los_Angeles at 16:00 is still today; at 03:59 the next morning, still today.
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        days = Days()
        afternoon = datetime(2026, 6, 1, 23, 0, tzinfo=UTC)  # 16:00 PDT
        late = datetime(2026, 6, 2, 10, 59, tzinfo=UTC)  # 03:59 PDT next morning
        morning = datetime(2026, 6, 2, 11, 0, tzinfo=UTC)  # 04:00 PDT
        assert days.day_of(afternoon).isoformat() == "2026-06-01"
        assert days.day_of(late).isoformat() == "2026-06-01"
        assert days.day_of(morning).isoformat() == "2026-06-02"
        assert days.start_of(days.day_of(morning)) == morning
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
