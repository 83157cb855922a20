"""The end of a mock interview: score each explain and flashcard answer against its rubric.

One question at a time: the prompt, your notes, the model answer, and the rubric as tick
boxes (`space` ticks, `enter` confirms). Credit is the fraction ticked.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Markdown, Static

from quizapp.study.interview import Slot
from quizapp.widgets.checklist import CheckList

#: What `dismiss` returns: for each slot's position in the list, the rubric items ticked.
Ticks = dict[int, tuple[int, ...]]


class RubricScreen(Screen[Ticks]):
    """Steps through `slots`; dismisses with the ticks of every one."""

    DEFAULT_CSS = """
    RubricScreen #rubric-area { padding: 1 2; }
    RubricScreen #rubric-area Label { margin-top: 1; }
    RubricScreen #rubric-notes { color: $text-muted; }
    RubricScreen #rubric { height: auto; margin-top: 1; }
    """

    def __init__(self, slots: Sequence[Slot]) -> None:
        super().__init__()
        self.slots = list(slots)
        self.position = 0
        self.ticks: Ticks = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield VerticalScroll(id="rubric-area")
        yield Footer()

    async def on_mount(self) -> None:
        await self.show_slot()

    async def show_slot(self) -> None:
        """Show the question at `position` with its model answer and rubric."""
        slot = self.slots[self.position]
        area = self.query_one("#rubric-area", VerticalScroll)
        await area.remove_children()
        notes = slot.answer.strip() or "(no notes)"
        checklist = CheckList(*((item, i) for i, item in enumerate(slot.rubric)), id="rubric")
        await area.mount(
            Static(
                f"[b]Score your answers[/] · {self.position + 1} of {len(self.slots)} · "
                f"{slot.item.pack_id} · {slot.question.topic}",
                id="rubric-title",
            ),
            Markdown(slot.question.prompt, id="rubric-prompt"),
            Label("[b]Your notes[/]"),
            Static(notes, id="rubric-notes", markup=False),
            Label("[b]Model answer[/]"),
            Markdown(slot.model_answer, id="rubric-model-answer"),
            Label("Tick what your answer covered ([b]space[/]), then [b]enter[/]:"),
            checklist,
        )
        checklist.focus()

    async def on_check_list_done(self, event: CheckList.Done) -> None:
        event.stop()
        self.ticks[self.position] = event.ticked
        self.position += 1
        if self.position >= len(self.slots):
            self.dismiss(self.ticks)
            return
        await self.show_slot()
