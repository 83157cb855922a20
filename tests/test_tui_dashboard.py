"""The stats screen's dashboard: plots from a known history (snapshot), leeches suspended
and unsuspended with a key, a weak objective practised with a key, settings edited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static
from tui_helpers import FIXED_NOW, SIZE, Clock, make_app, settle

from quizapp.screens.practice import PracticeScreen
from quizapp.screens.setting_dialog import SettingScreen
from quizapp.screens.stats import StatsScreen
from quizapp.store.db import Store
from quizapp.study import scheduling
from quizapp.study.settings import load_settings

pytestmark = pytest.mark.anyio


def known_history(store: Store) -> None:
    """Three weeks of practice on ui-basics, a leech, cards due over the next days."""
    questions = ["choice-noise", "shape-latent", "numeric-scaling", "text-owner"]
    for day in range(21):
        when = FIXED_NOW - timedelta(days=20 - day)
        for n, question in enumerate(questions[: 1 + day % 4]):
            right = (day + n) % 3 != 0
            store.record_review(
                "ui-basics",
                question,
                "x",
                right,
                3 if right else 1,
                4.0,
                "practice",
                when + timedelta(minutes=n),
            )
    for n in range(8):
        store.record_review(
            "ui-basics",
            "sequence-ddim",
            "x",
            False,
            1,
            4.0,
            "practice",
            FIXED_NOW - timedelta(days=n, hours=1),
        )
    for n, question in enumerate(questions):
        card, _ = scheduling.review(None, 3, FIXED_NOW - timedelta(days=5))
        store.save_card("ui-basics", question, card, FIXED_NOW + timedelta(days=n * 2 - 1))


def test_dashboard_snapshot(snap_compare: Any, store: Store) -> None:
    known_history(store)

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("t")
        await settle(pilot)
        await pilot.pause()

    assert snap_compare(make_app(store), terminal_size=(120, 48), run_before=run_before)


async def test_leech_suspend_and_unsuspend(store: Store) -> None:
    known_history(store)
    app = make_app(store, Clock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        leeches = app.screen.query_one("#leeches", DataTable)
        assert [str(c) for c in leeches.get_row_at(0)][:3] == ["ui-basics", "sequence-ddim", "8"]
        await pilot.press("x")
        await settle(pilot)
        assert store.suspended_keys() == {("ui-basics", "sequence-ddim")}
        assert str(app.screen.query_one("#leeches", DataTable).get_row_at(0)[4]) == "suspended"
        headline = str(app.screen.query_one("#stats-headline", Static).render())
        assert "2 leeches (1 suspended)" in headline
        assert ("ui-basics", "sequence-ddim") not in {i.key for i in app.context.items()}
        await pilot.press("x")
        await settle(pilot)
        assert store.suspended_keys() == set()


async def test_practise_the_weakest_objective(store: Store) -> None:
    app = make_app(store, Clock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await settle(pilot)
        weakest = app.screen.query_one("#weakest", DataTable)
        assert str(weakest.get_row_at(0)[1]) == "model-vs-scheduler"
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        session = app.screen.session
        assert [item.question.id for item in session.items] == ["choice-noise"]


async def test_desired_retention_edited_from_the_dashboard(store: Store) -> None:
    app = make_app(store, Clock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, SettingScreen)
        box = app.screen.query_one(Input)
        box.value = "0.5"
        await pilot.press("enter")
        await pilot.pause()
        error = str(app.screen.query_one("#setting-error", Static).render())
        assert "between 0.7 and 0.98" in error
        box.value = "0.85"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        assert load_settings(store).desired_retention == 0.85
        memory = str(app.screen.query_one("#stats-memory", Static).render())
        assert "Desired retention 0.85" in memory
        assert "Reviews per day over the next 30 days at retention 0.80:" in memory


async def test_a_setting_edited_from_the_command_palette(store: Store) -> None:
    app = make_app(store, Clock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Setting: interview")
        await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SettingScreen)
        assert app.screen.key == "interview_date"
        app.screen.query_one(Input).value = "2025-03-10"
        await pilot.press("enter")
        await pilot.pause()
        assert load_settings(store).interview_date == FIXED_NOW.date() + timedelta(days=9)
