"""The stats screen: opened from home with `t`, it shows what `quizapp stats` prints."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static
from tui_helpers import SIZE, Clock, make_app

from quizapp.app import QuizApp
from quizapp.screens.home import HomeScreen
from quizapp.screens.stats import StatsScreen
from quizapp.store.db import Store

pytestmark = pytest.mark.anyio


async def test_stats_screen_shows_reviews_retention_and_flags(store: Store) -> None:
    now = Clock().now
    store.record_review("ui-basics", "choice-noise", "a", True, 3, 2.0, "practice", now)
    store.record_review("ui-basics", "shape-latent", "1x4", False, 1, 5.0, "practice", now)
    store.add_flag("ui-basics", "shape-latent", "prompt is ambiguous", now)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        headline = str(app.screen.query_one("#stats-headline", Static).render())
        assert "2 reviews" in headline and "1 flags" in headline
        table = app.screen.query_one("#stats-packs", DataTable)
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[:3] == ["ui-basics", "2", "50%"]
        assert row[-1] == "1"
        flags = str(app.screen.query_one("#stats-flags", Static).render())
        assert "ui-basics/shape-latent" in flags and "prompt is ambiguous" in flags
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


def test_home_loads_packs_from_the_packs_option(store: Store, tmp_path: Path) -> None:
    shutil.copy(Path(__file__).parent / "packs" / "good.yaml", tmp_path / "good.yaml")
    app = QuizApp(store=store, pack_dirs=[tmp_path])
    assert "test-good" in app.registry.packs
