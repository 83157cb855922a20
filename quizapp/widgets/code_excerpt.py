"""A Python excerpt shown read-only: syntax-highlighted (tree-sitter), line numbers, and the
lines a prompt refers to marked."""

from __future__ import annotations

from collections.abc import Iterable

from rich.style import Style
from rich.text import Text
from textual.widgets import TextArea

#: The background of a highlighted line; a theme-independent, readable amber tint.
HIGHLIGHT_STYLE = Style(bgcolor="#4a3f10")


class CodeExcerpt(TextArea):
    """Read-only code with line numbers; `highlight` holds 1-based line numbers to mark."""

    DEFAULT_CSS = """
    CodeExcerpt { height: auto; max-height: 24; margin: 1 0 0 0; }
    """

    def __init__(
        self,
        code: str,
        highlight: Iterable[int] = (),
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(
            code.rstrip("\n"),
            language="python",
            theme="css",
            read_only=True,
            show_line_numbers=True,
            soft_wrap=False,
            show_cursor=False,
            highlight_cursor_line=False,
            id=id,
            classes=classes,
        )
        self.highlighted = frozenset(line - 1 for line in highlight)

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        if line_index in self.highlighted:
            line.stylize(HIGHLIGHT_STYLE)
        return line
