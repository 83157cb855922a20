"""A probe-backed text question's input says what kind of name to type."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input

from quizapp.packs.models import TextQuestion
from quizapp.widgets.text_answer import TextAnswer

pytestmark = pytest.mark.anyio


def question(observe: str) -> TextQuestion:
    data: dict[str, Any] = {
        "id": "q",
        "type": "text",
        "origin": "mechanism",
        "topic": "t",
        "difficulty": 2,
        "prompt": "?",
        "probe": {"scheduler": "EulerDiscreteScheduler", "observe": observe, "dtype": "float16"},
    }
    return TextQuestion.model_validate(data)


class OneInput(App[None]):
    def __init__(self, observe: str) -> None:
        super().__init__()
        self.observe = observe

    def compose(self) -> ComposeResult:
        yield TextAnswer(question(self.observe))


@pytest.mark.parametrize(
    ("observe", "placeholder"),
    [
        ("prev_sample.dtype", "a torch dtype name, e.g. float32"),
        ("raises", "an exception class name, e.g. ValueError, or none"),
    ],
)
async def test_the_placeholder_names_what_the_probe_observes(
    observe: str, placeholder: str
) -> None:
    app = OneInput(observe)
    async with app.run_test(size=(60, 6)):
        assert app.query_one(Input).placeholder == placeholder
