"""A list of tick boxes where `space` ticks and `enter` confirms (SelectionList ticks on both).

SelectionList draws every box as `▐X▌` and tells ticked from unticked by colour alone; here
a ticked box holds ✓ and an unticked one is empty, readable without colour (a monochrome
terminal, a colour-blind learner, a screen reader's text).
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets.option_list import OptionDoesNotExist

TICKED = "✓"
UNTICKED = " "


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

    def render_line(self, y: int) -> Strip:
        """SelectionList's line, its box's inner `X` replaced by the tick state in text."""
        line = super().render_line(y)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return line
        segments = list(line)
        if len(segments) < 3:
            return line
        mark = TICKED if selection.value in self.selected else UNTICKED
        inner = segments[1]
        segments[1] = Segment(mark, inner.style, inner.control)
        return Strip(segments, line.cell_length)

    def action_done(self) -> None:
        """Confirm the ticked items."""
        self.post_message(self.Done(self, tuple(sorted(self.selected))))
