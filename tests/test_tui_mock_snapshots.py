"""Snapshots of the mock-interview screens on the fixed mock pack with a clock moved by hand.

Regenerate after an intended change with
`pytest tests/test_tui_mock_snapshots.py --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

from typing import Any

from test_tui_mock import answer_current, mock_app, mock_screen
from textual.pilot import Pilot
from tui_helpers import SIZE, Clock, hold_cursors, settle

from quizapp.screens.rubric import RubricScreen
from quizapp.store.db import Store

WRONG = {"noise-pred": "b", "latent-shape": "1x3x512x512"}


def test_mock_question_with_clocks(snap_compare: Any, store: Store) -> None:
    clock = Clock()

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        clock.advance(seconds=25)
        await answer_current(pilot)
        clock.advance(seconds=50)  # under a minute left of this question's budget
        await pilot.press("ctrl+s")
        clock.advance(seconds=5)
        mock_screen(pilot.app).tick()
        await settle(pilot)
        await hold_cursors(pilot)

    assert snap_compare(mock_app(store, clock), terminal_size=SIZE, run_before=run_before)


async def finish_with_mistakes(pilot: Pilot[Any], clock: Clock, tick_all: bool) -> None:
    await pilot.pause()
    screen = mock_screen(pilot.app)
    while screen.interview.running:
        slot = screen.interview.current
        assert slot is not None
        clock.advance(seconds=70 if slot.question.id == "latent-shape" else 20)
        await answer_current(pilot, WRONG.get(slot.question.id))
    while tick_all and isinstance(pilot.app.screen, RubricScreen):
        await pilot.press("space", "enter")
        await pilot.pause()
    await settle(pilot)


def test_rubric(snap_compare: Any, store: Store) -> None:
    clock = Clock()

    async def run_before(pilot: Pilot[Any]) -> None:
        await finish_with_mistakes(pilot, clock, tick_all=False)
        await pilot.press("space")
        await settle(pilot)

    assert snap_compare(mock_app(store, clock), terminal_size=SIZE, run_before=run_before)


def test_report(snap_compare: Any, store: Store) -> None:
    clock = Clock()

    async def run_before(pilot: Pilot[Any]) -> None:
        await finish_with_mistakes(pilot, clock, tick_all=True)

    assert snap_compare(mock_app(store, clock), terminal_size=SIZE, run_before=run_before)
