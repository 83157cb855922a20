"""In the app, control codes from answers, pastes, the store or errors are drawn inert."""

from __future__ import annotations

import pytest
from study_factories import question
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Static

from quizapp.grading.result import GradeResult
from quizapp.widgets.grade_view import GradeView
from quizapp.widgets.safe_inputs import SafeInput, SafeTextArea

pytestmark = pytest.mark.anyio

HOSTILE = "\x1b]0;TITLE\x07\x1b[2J\x1b[31mred\x9b"


def clean(text: str) -> bool:
    return not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in text)


class Boxes(App[None]):
    def compose(self) -> ComposeResult:
        yield SafeInput(id="line")
        yield SafeTextArea(id="notes")
        yield GradeView(question("q", "numeric"), id="grade")


async def test_pastes_are_cleaned() -> None:
    app = Boxes()
    async with app.run_test() as pilot:
        line = app.query_one("#line", SafeInput)
        line.focus()
        line.post_message(events.Paste(HOSTILE))
        notes = app.query_one("#notes", SafeTextArea)
        notes.post_message(events.Paste(f"a\r\n{HOSTILE}"))
        await pilot.pause()
        assert clean(line.value) and "red" in line.value
        assert clean(notes.text) and notes.text.startswith("a\n")


async def test_grade_view_draws_hostile_text_inert() -> None:
    app = Boxes()
    async with app.run_test() as pilot:
        view = app.query_one(GradeView)
        view.result = GradeResult(
            None, HOSTILE, HOSTILE, f"could not grade: {HOSTILE}", (HOSTILE,), HOSTILE
        )
        await pilot.pause()
        shown = [str(static.render()) for static in view.query(Static)]
        assert any("red" in text for text in shown)
        assert all(clean(text) for text in shown)
