"""Snapshots of issue 22's screens at 120x40 and 80x24: the feedback's rating keys with
their intervals (in view without scrolling), the summary of a session ended early, the
mock setup screen.

Regenerate after an intended change with
`pytest tests/test_tui_session_snapshots.py --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_tui_mock import mock_app
from textual.pilot import Pilot
from tui_helpers import (
    BASIC_PACKS,
    CACHED_TRACE,
    EXECUTED_PACKS,
    Clock,
    first_review_letter,
    hold_cursors,
    make_app,
    settle,
)

from quizapp.grading.probekey import probe_key
from quizapp.packs.registry import Registry
from quizapp.store.db import Store

SIZES = [pytest.param((120, 40), id="120x40"), pytest.param((80, 24), id="80x24")]


@pytest.mark.parametrize("size", SIZES)
def test_feedback_rating_keys_show_their_intervals(
    snap_compare: Any, store: Store, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        await pilot.press(*"1x3x512x512", "enter")
        await settle(pilot)

    assert snap_compare(make_app(store), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_feedback_with_a_long_trace_keeps_the_keys_in_view(
    snap_compare: Any, store: Store, size: tuple[int, int]
) -> None:
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
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_summary_of_a_session_ended_early(
    snap_compare: Any, store: Store, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("p")
        await pilot.pause()
        # wrong: it will come back, relearned
        await pilot.press(
            first_review_letter(BASIC_PACKS / "ui-basics.yaml", "choice-noise", False)
        )
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()

    app = make_app(store, Clock(), folders=(BASIC_PACKS,))
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_mock_setup(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("m")
        await pilot.pause()
        await hold_cursors(pilot)  # the focused field's cursor blinks otherwise

    app = mock_app(store, Clock(), mock=None)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
