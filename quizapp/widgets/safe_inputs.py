"""Text boxes whose pasted text cannot carry control codes to the terminal.

A bracketed paste arrives as raw text: an ESC in it would be inserted into the box and
drawn as-is, so a pasted `\\e]0;TITLE\\a` retitles the terminal. These boxes pass the pasted
text through `safe_text` first (line endings are normalised, not shown).
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TextArea

from quizapp.textsafe import safe_text


def _cleaned(text: str) -> str:
    return safe_text(text.replace("\r\n", "\n").replace("\r", "\n"))


class SafeInput(Input):
    """An Input whose pastes are sanitised."""

    def _on_paste(self, event: events.Paste) -> None:
        event.text = _cleaned(event.text)
        super()._on_paste(event)


class SafeTextArea(TextArea):
    """A TextArea whose pastes are sanitised."""

    async def _on_paste(self, event: events.Paste) -> None:
        event.text = _cleaned(event.text)
        await super()._on_paste(event)
