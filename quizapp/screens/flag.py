"""A small dialog: flag the current question for its author, with an optional note."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label

from quizapp.store.db import StoreIOError
from quizapp.study.practice import PracticeSession
from quizapp.widgets.safe_inputs import SafeInput


class FlagScreen(ModalScreen[str | None]):
    """Dismisses with the note ("" for none), or None when cancelled."""

    DEFAULT_CSS = """
    FlagScreen { align: center middle; }
    FlagScreen #flag-dialog {
        width: 70; height: auto; padding: 1 2; border: thick $primary; background: $surface;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, pack_id: str, question_id: str) -> None:
        super().__init__()
        self.pack_id = pack_id
        self.question_id = question_id

    def compose(self) -> ComposeResult:
        with Vertical(id="flag-dialog"):
            yield Label(f"Flag {self.pack_id} / {self.question_id} for its author", markup=False)
            yield SafeInput(placeholder="what is wrong? (optional) — enter to flag", id="flag-note")
            yield Label("enter flag · escape cancel", classes="dim")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        """Close without flagging."""
        self.dismiss(None)


def flag_current(screen: Screen[Any], session: PracticeSession) -> None:
    """Ask for a note, then flag the session's current question (stored at once)."""
    item = session.current
    if item is None:
        return

    def flagged(note: str | None) -> None:
        if note is None:
            return
        try:
            session.flag(note)
        except StoreIOError as error:  # a full disk: the session goes on without the flag
            screen.notify(f"The flag could not be saved ({error}).", severity="error")
            return
        screen.notify("Flagged for the pack's author (see `quizapp stats`).")

    screen.app.push_screen(FlagScreen(item.pack_id, item.question.id), flagged)
