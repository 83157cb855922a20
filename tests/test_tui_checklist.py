"""The rubric's tick boxes say ticked or not in text, not only in colour."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from quizapp.widgets.checklist import TICKED, CheckList

pytestmark = pytest.mark.anyio


class ListApp(App[None]):
    def compose(self) -> ComposeResult:
        yield CheckList(("names the UNet", 0), ("names guidance", 1))


def box_texts(checklist: CheckList) -> list[str]:
    return [checklist.render_line(y).text[:3] for y in range(2)]


async def test_a_ticked_box_reads_differently_from_an_unticked_one() -> None:
    app = ListApp()
    async with app.run_test(size=(60, 6)) as pilot:
        checklist = app.query_one(CheckList)
        checklist.focus()
        await pilot.pause()
        assert box_texts(checklist) == ["▐ ▌", "▐ ▌"]
        await pilot.press("space")
        await pilot.pause()
        assert box_texts(checklist) == [f"▐{TICKED}▌", "▐ ▌"]
        assert "names the UNet" in checklist.render_line(0).text
