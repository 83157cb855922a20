"""Quitting in the middle of a mock: confirm first, then a report marked ended early."""

from __future__ import annotations

import pytest
from test_tui_mock import answer_current, mock_app, mock_screen
from tui_helpers import SIZE, Clock

from quizapp.screens.confirm_quit import ConfirmQuit
from quizapp.store.db import Store
from quizapp.study.report import from_json
from quizapp.study.report_text import to_text

pytestmark = pytest.mark.anyio


async def test_ctrl_q_asks_and_no_keeps_the_interview(store: Store) -> None:
    app = mock_app(store, Clock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = mock_screen(app)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuit)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and screen.interview.running
        assert app.is_running
    assert store.mock_session() is None


async def test_ctrl_q_then_yes_saves_what_was_answered(store: Store) -> None:
    clock = Clock()
    app = mock_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = mock_screen(app)
        answered = []
        for _ in range(3):
            slot = screen.interview.current
            assert slot is not None
            answered.append(slot.question.id)
            clock.advance(seconds=10)
            await answer_current(pilot)
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuit)
        await pilot.press("y")
        await pilot.pause()
    stored = store.mock_session()
    assert stored is not None
    report = from_json(stored.report_json)
    assert report.ended_early
    by_id = {item.question_id: item for item in report.items}
    assert all(by_id[q].answer for q in answered)
    assert sum(item.status == "answered" for item in report.items) <= len(answered)
    assert "(ended early)" in to_text(report).splitlines()[0]


async def test_ctrl_q_twice_quits(store: Store) -> None:
    app = mock_app(store, Clock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await answer_current(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
    stored = store.mock_session()
    assert stored is not None and from_json(stored.report_json).ended_early


async def test_quitting_with_nothing_answered_asks_then_discards(store: Store) -> None:
    app = mock_app(store, Clock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuit)
        await pilot.press("y")
        await pilot.pause()
    assert store.mock_session() is None


async def test_ending_with_nothing_answered_asks_then_discards(store: Store) -> None:
    app = mock_app(store, Clock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = mock_screen(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen._confirm_end  # asked first
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen and not screen.interview.finished
    assert store.mock_session() is None


async def test_escape_ends_even_from_the_notes_box(store: Store) -> None:
    clock = Clock()
    app = mock_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = mock_screen(app)
        # Walk to a self-scored question, whose notes box takes the focus.
        for _ in range(len(screen.interview.slots)):
            slot = screen.interview.current
            assert slot is not None
            if slot.self_scored:
                break
            await pilot.press("ctrl+s")
            await pilot.pause()
        assert screen.interview.current is not None and screen.interview.current.self_scored
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "answer-notes"
        await pilot.press("escape")
        await pilot.pause()
        assert screen._confirm_end  # the first press counted: it was not eaten by the box
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen  # nothing was answered: discarded
