"""Snapshots of a code question: the editor under its excerpt, and the per-case feedback.

Regenerate after an intended change with
`pytest tests/test_tui_code_snapshots.py --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from code_fakes import FakeCodeGrader
from textual.pilot import Pilot
from tui_helpers import SIZE, hold_cursors, make_app, settle

from quizapp.grading.service import GradingService
from quizapp.store.db import Store

CODE_PACKS = Path(__file__).parent / "code"
TALL = (SIZE[0], 48)


def app_for(store: Store) -> Any:
    fake = FakeCodeGrader()
    grading = GradingService(cache=store, code_factory=lambda: fake)
    return make_app(store, folders=(CODE_PACKS,), grading=grading)


def test_code_question(snap_compare: Any, store: Store) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("p")
        await settle(pilot)
        await hold_cursors(pilot)

    assert snap_compare(app_for(store), terminal_size=TALL, run_before=run_before)


def test_code_feedback(snap_compare: Any, store: Store) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)

    assert snap_compare(app_for(store), terminal_size=TALL, run_before=run_before)
