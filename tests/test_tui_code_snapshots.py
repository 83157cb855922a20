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
from quizapp.widgets.code_answer import CodeEditor

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
        # The screen focuses the editor after a refresh; on a busy machine the snapshot was
        # taken before or after it (the cursor cell differed). Wait for it.
        editor = pilot.app.screen.query_one(CodeEditor)
        for _ in range(50):
            if editor.has_focus:
                break
            await pilot.pause(0.05)
        await hold_cursors(pilot)

    assert snap_compare(app_for(store), terminal_size=TALL, run_before=run_before)


def test_code_feedback(snap_compare: Any, store: Store) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)

    assert snap_compare(app_for(store), terminal_size=TALL, run_before=run_before)
