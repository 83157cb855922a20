"""Snapshots of the browse screen on a small fixed pack (its executed answer already cached)
and of `quizapp preview` trying an explain question (widgets bring their own styles there).

Regenerate after an intended change with
`pytest tests/test_tui_browse_snapshot.py --snapshot-update` and review the SVG.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_helpers import BASIC_PACKS, CACHED_TRACE, SIZE, FamilyWorker, hold_cursors, make_app

from quizapp.grading.probekey import probe_key
from quizapp.grading.service import GradingService, MemoryCache
from quizapp.packs.loader import load_pack
from quizapp.preview_app import PreviewApp
from quizapp.store.db import Store

BROWSE_DIR = Path(__file__).parent / "ui" / "browse"
FAMILIES = Path(__file__).parent / "packs" / "families"


def test_browse_executed_question(snap_compare: Any, store: Store) -> None:
    cache = MemoryCache()
    probe = load_pack(BROWSE_DIR / "browse.yaml").pack.questions[0].probe  # type: ignore[union-attr]
    assert probe is not None
    cache.cache_put(
        probe_key(probe, None), json.dumps(0.27633246779441833), json.dumps(CACHED_TRACE)
    )
    app = make_app(store, folders=(BROWSE_DIR,), grading=GradingService(cache=cache))

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("b")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


#: explain-step's row in ui-basics (the seventh question).
EXPLAIN_ROW = 6


async def try_explain_in_preview(pilot: Pilot[Any]) -> None:
    """Highlight explain-step in the preview's list and try it."""
    await pilot.pause()
    await pilot.press(*["down"] * EXPLAIN_ROW, "t")
    await pilot.pause()
    await pilot.pause()
    await hold_cursors(pilot)


def test_preview_try_explain_has_a_six_row_notes_box(
    snap_compare: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The title shows the path as given: a relative one keeps the snapshot the same in
    # every checkout (CI clones elsewhere).
    monkeypatch.chdir(BASIC_PACKS)
    app = PreviewApp(Path("ui-basics.yaml"), GradingService())
    assert snap_compare(app, terminal_size=SIZE, run_before=try_explain_in_preview)


async def wait_for_traps(pilot: Pilot[Any]) -> None:
    """On variant 2 (guidance 7.5, where the trap differs): the reference, then the
    computed trap (two workers, one after the other)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("v")
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def test_preview_family_with_a_computed_trap(
    snap_compare: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FAMILIES)
    worker = FamilyWorker()
    app = PreviewApp(Path("family.yaml"), GradingService(worker_factory=lambda: worker))
    assert snap_compare(app, terminal_size=SIZE, run_before=wait_for_traps)
