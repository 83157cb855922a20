"""Screen keys that are letters when nothing types them, control keys when something does.

A practice or mock screen offers `s` to skip; while a text box has focus `s` types, so the
same action sits on a control key as well. Each action gets three bindings: the letter and
the control key, each shown only when it is the one that works, and a hidden control key
that always works. The screen owns them all: answer inputs bind only their own actions.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen

from quizapp.widgets.answer_input import is_typing


def letter_key(action: str, letter: str, control: str, description: str) -> list[Binding]:
    """The bindings of `action` on `letter`, or on `control` while the letter is taken."""
    return [
        Binding(letter, f"letter('{action}')", description),
        Binding(control, f"control('{action}')", description),
        Binding(control, action, description, show=False),
    ]


class LetterKeyScreen(Screen[None]):
    """A screen with `letter_key` bindings; the footer shows whichever key works."""

    def letter_free(self, action: str) -> bool:
        """True when the letter of `action` reaches the screen (no text box types it)."""
        return not is_typing(self.focused)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("letter", "control"):
            free = self.letter_free(str(parameters[0]))
            return free if action == "letter" else not free
        return True

    def on_descendant_focus(self) -> None:
        # Focus moved into or out of a text box: the other keys are the ones that work now.
        self.refresh_bindings()

    async def action_letter(self, action: str) -> None:
        """A letter key, while no text box takes it: run `action`."""
        await self.run_action(action)

    async def action_control(self, action: str) -> None:
        """A control key shown while the letter is taken: run `action`."""
        await self.run_action(action)
