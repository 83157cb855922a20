"""A small dialog: edit one setting; a bad value is shown under the box and not stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from quizapp.study.settings import SettingError


class SettingScreen(ModalScreen[str | None]):
    """Dismisses with the value as stored, or None when cancelled.

    Args:
        key: The setting's key.
        description: What it is for.
        current: Its value now, pre-filled.
        save: Checks and stores a value, returning it as stored; raises `SettingError`.
    """

    DEFAULT_CSS = """
    SettingScreen { align: center middle; }
    SettingScreen #setting-dialog {
        width: 80; height: auto; padding: 1 2; border: thick $primary; background: $surface;
    }
    SettingScreen #setting-error { color: $error; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, key: str, description: str, current: str, save: Callable[[str], str]):
        super().__init__()
        self.key = key
        self.description = description
        self.current = current
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(id="setting-dialog"):
            yield Label(f"{self.key}: {self.description}", markup=False)
            yield Input(value=self.current, id="setting-value")
            yield Label("", id="setting-error", markup=False)
            yield Label("enter save · escape cancel", classes="dim")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            stored = self.save(event.value)
        except SettingError as error:
            self.query_one("#setting-error", Label).update(str(error))
            return
        self.dismiss(stored)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
