"""Asked before quitting the app in the middle of a mock interview."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label


class ConfirmQuit(ModalScreen[bool]):
    """Dismisses with True to quit (the report is saved first), False to keep going."""

    DEFAULT_CSS = """
    ConfirmQuit { align: center middle; }
    ConfirmQuit #quit-dialog {
        width: 64; height: auto; padding: 1 2; border: thick $warning; background: $surface;
    }
    ConfirmQuit .dim { color: $text-muted; margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Quit"),
        Binding("n,escape", "answer(False)", "Keep going"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="quit-dialog"):
            yield Label("[b]Quit in the middle of the mock interview?[/]")
            yield Label(
                "What you answered is saved as a report marked ended early; "
                "grades still being computed are left out."
            )
            yield Label("y / enter: save and quit · n / escape: keep going", classes="dim")

    def action_answer(self, quit_now: bool) -> None:
        """Dismiss with the answer."""
        self.dismiss(quit_now)
