"""Snapshots of the main screens on the fixed test packs with a fixed clock.

Regenerate after an intended change with `pytest tests/test_tui_snapshots.py --snapshot-update`
and review the SVGs.
"""

from __future__ import annotations

import json
from typing import Any

from textual.pilot import Pilot
from tui_helpers import (
    BASIC_PACKS,
    CACHED_TRACE,
    EXECUTED_PACKS,
    RIGHT,
    SIZE,
    Clock,
    make_app,
    settle,
)

from quizapp.grading.probekey import probe_key
from quizapp.packs.registry import Registry
from quizapp.store.db import Store


def test_home(snap_compare: Any, store: Store) -> None:
    assert snap_compare(make_app(store), terminal_size=SIZE)


def test_practice_choice_with_hint(snap_compare: Any, store: Store) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()

    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=run_before)


def test_practice_text_box(snap_compare: Any, store: Store) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        await pilot.press(*"1x4x")
        await pilot.pause()

    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=run_before)


def test_feedback_wrong_with_trap(snap_compare: Any, store: Store) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        await pilot.press(*"1x3x512x512", "enter")
        await settle(pilot)

    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=run_before)


def test_feedback_executed_shows_the_trace(snap_compare: Any, store: Store) -> None:
    registry = Registry.load([EXECUTED_PACKS])
    question = registry.packs["ui-executed"].pack.questions[0]
    probe = question.probe  # type: ignore[union-attr]
    store.cache_put(probe_key(probe, None), json.dumps(0.276332), json.dumps(CACHED_TRACE))

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("p")
        await pilot.pause()
        await pilot.press(*"0.2763", "enter")
        await settle(pilot)

    app = make_app(store, folders=(EXECUTED_PACKS,))
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_summary(snap_compare: Any, store: Store) -> None:
    clock = Clock()

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("p")
        await pilot.pause()
        await pilot.press(RIGHT["choice-noise"])
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"1x3x512x512", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()

    app = make_app(store, clock, folders=(BASIC_PACKS,))
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
