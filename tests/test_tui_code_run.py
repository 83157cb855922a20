"""Code questions, as rustlings users expect: ctrl+r runs (rows, nothing recorded, no
solution), ctrl+n submits; code that does not load is shown once with its line and is not
a wrong answer; the editor indents as Python editors do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from code_fakes import FakeCodeGrader
from textual.pilot import Pilot
from tui_helpers import SIZE, make_app

from quizapp.engine.protocol import CodeReport
from quizapp.grading.service import GradingService
from quizapp.screens.feedback import FeedbackScreen
from quizapp.screens.practice import PracticeScreen
from quizapp.store.db import Store
from quizapp.widgets.code_answer import CodeAnswer, CodeEditor, next_indent
from quizapp.widgets.code_run_view import CodeRunView

pytestmark = pytest.mark.anyio

CODE_PACKS = Path(__file__).parent / "code"
SYNTAX: dict[str, Any] = {
    "status": "syntax",
    "error": "SyntaxError: invalid syntax (line 2: return a +)",
    "cases": [],
}
IMPORT_TIME: dict[str, Any] = {
    "status": "exception",
    "error": "ModuleNotFoundError: No module named 'numpyy' (line 1: import numpyy)",
    "cases": [],
}


def app_with(store: Store, response: dict[str, Any] | None = None) -> Any:
    fake = FakeCodeGrader()
    if response is not None:
        fake.response = CodeReport(**response)
    grading = GradingService(cache=store, code_factory=lambda: fake)
    return make_app(store, folders=(CODE_PACKS,), grading=grading), fake


async def start(pilot: Pilot[None]) -> PracticeScreen:
    await pilot.press("p")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PracticeScreen)
    return screen


async def settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_ctrl_r_shows_the_rows_records_nothing_and_hides_the_solution(store: Store) -> None:
    app, fake = app_with(store)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, PracticeScreen)  # still on the question
        rows = app.screen.query_one(CodeAnswer).query_one(CodeRunView)
        assert rows.run.passed == 1 and len(rows.run.cases) == 3
        assert not rows.run.solution and not app.screen.query("#solution")
        assert len(fake.sources) == 1 and store.reviews() == [] and store.cards() == {}
        # Run again, then submit: only the submission is recorded, with its solution.
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        assert app.screen.query("#solution")
        [review] = store.reviews()
        assert review.correct is False and len(fake.sources) == 3


@pytest.mark.parametrize("response", [SYNTAX, IMPORT_TIME], ids=["syntax", "import-time"])
async def test_code_that_does_not_load_is_shown_with_its_line_and_not_recorded(
    store: Store, response: dict[str, Any]
) -> None:
    app, _ = app_with(store, response)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        for key in ("ctrl+r", "ctrl+n"):  # neither a run nor a submission counts
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, PracticeScreen)
            error = str(app.screen.query_one(CodeAnswer).query_one(".answer-error").render())
            assert error == response["error"]  # once, with its line
            assert not app.screen.query(CodeRunView)
        assert store.reviews() == [] and store.cards() == {}


async def test_enter_keeps_the_indentation_and_indents_after_a_colon(store: Store) -> None:
    app, _ = app_with(store)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        editor = app.screen.query_one(CodeEditor)
        editor.text = ""
        await pilot.press(*"def f(x):", "enter", *"if x:", "enter", *"return 1", "enter")
        await pilot.press(*"y = 2")
        assert editor.text == "def f(x):\n    if x:\n        return 1\n    y = 2"


@pytest.mark.parametrize(
    ("line", "indent"),
    [
        ("x = 1", ""),
        ("    x = 1", "    "),
        ("def f(a):", "    "),
        ("    for i in range(3):  # loop", "        "),
        ("        return x", "    "),
        ("    pass", ""),
        ("return", ""),
        ('    s = "a:"', "    "),
    ],
)
def test_next_indent(line: str, indent: str) -> None:
    assert next_indent(line) == indent


async def test_the_editor_uses_the_height_it_has(store: Store) -> None:
    app, _ = app_with(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot)
        tall = app.screen.query_one(CodeEditor).size.height
    app, _ = app_with(store)
    async with app.run_test(size=(120, 60)) as pilot:
        await start(pilot)
        taller = app.screen.query_one(CodeEditor).size.height
    assert taller >= tall + 15
