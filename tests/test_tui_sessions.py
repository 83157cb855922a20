"""Issue 22's practice flows in the TUI: packs interleaved, a wrong answer relearned in the
session, the rating keys' intervals, "ended early: N of M"; and a run in a mock's editor."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from tui_helpers import BASIC_PACKS, SIZE, WRONG, Clock, make_app, right_letter

from quizapp.screens.feedback import FeedbackScreen
from quizapp.screens.practice import PracticeScreen
from quizapp.screens.summary import SummaryScreen
from quizapp.store.db import Store
from quizapp.study.practice import RELEARN_AFTER
from quizapp.widgets.code_answer import CodeAnswer
from quizapp.widgets.code_run_view import CodeRunView

pytestmark = pytest.mark.anyio

MOCK_PACKS = Path(__file__).parent / "mock"


async def graded(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def practice(app: object) -> PracticeScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, PracticeScreen), screen
    return screen


async def test_practise_all_mixes_the_packs(store: Store) -> None:
    app = make_app(store, Clock(), folders=(BASIC_PACKS, MOCK_PACKS))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await pilot.pause()
        packs = [item.pack_id for item in practice(app).session.items]
        assert set(packs) == {"ui-basics", "mock-test"}
        assert all(len(set(packs[i : i + 3])) > 1 for i in range(len(packs) - 2))


async def test_a_wrong_answer_comes_back_and_the_summary_counts_it(store: Store) -> None:
    app = make_app(store, Clock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await pilot.pause()
        screen = practice(app)
        first = screen.session.current
        assert first is not None and first.question.id == "choice-noise"
        await pilot.press(WRONG["choice-noise"])
        await graded(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        rating = str(app.screen.query_one("#rating").render())
        assert rating.startswith("Suggested Again (enter) · 1 Again ")
        assert all(f"{n} {name} " in rating for n, name in enumerate(("Again", "Hard"), 1))
        await pilot.press("enter")
        await pilot.pause()
        for _ in range(RELEARN_AFTER):
            await pilot.press("ctrl+s")
            await pilot.pause()
        again = screen.session.current
        assert again is not None and again.question.id == "choice-noise"
        assert "· again" in screen.session.progress()
        await pilot.press(right_letter(again.question))  # its choices are shuffled anew
        await graded(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        title = str(app.screen.query_one("#summary-title").render())
        assert title == "Session ended early: 4 of 7"
        body = str(app.screen.query_one("#summary-body").render())
        assert "Relearned 1 of 1 answered wrong" in body
        assert [r.correct for r in store.reviews()] == [False, True]


async def test_a_run_in_a_mock_shows_rows_and_answers_nothing(store: Store) -> None:
    from test_tui_code import code_mock_app

    from quizapp.screens.mock_interview import MockScreen

    app, fake = code_mock_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MockScreen)
        await pilot.press("ctrl+r")
        await graded(pilot)
        await pilot.pause()
        assert app.screen is screen and screen.interview.index == 0
        assert screen.query_one(CodeAnswer).query(CodeRunView)
        assert not screen.interview.answered_any and store.reviews() == []
        assert len(fake.sources) == 1
