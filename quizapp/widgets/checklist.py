"""A list of tick boxes where `space` ticks and `enter` confirms (SelectionList ticks on both)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import SelectionList


class CheckList(SelectionList[int]):
    """Tick items with `space` (or a letter, when the owner maps them); `enter` is done."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "select", "Tick"),
        Binding("enter", "done", "Done"),
    ]

    class Done(Message):
        """The learner confirmed the ticked items."""

        def __init__(self, checklist: CheckList, ticked: tuple[int, ...]) -> None:
            super().__init__()
            self.checklist = checklist
            self.ticked = ticked

        @property
        def control(self) -> CheckList:
            """The list that sent the message."""
            return self.checklist

    def action_done(self) -> None:
        """Confirm the ticked items."""
        self.post_message(self.Done(self, tuple(sorted(self.selected))))
