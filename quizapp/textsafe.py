"""Text that is safe to show on a terminal: the one place control codes are neutralised.

Pack text, learner answers, rows of the store and exception messages all end up on a
terminal, where an ESC or a C1 control starts a command (retitle the window, clear the
screen, recolour everything after it). `safe_text` turns every C0 and C1 control character
except newline and tab into a visible stand-in, and lone surrogates (which cannot be encoded
and would crash the write) into U+FFFD. Every output path calls it: the CLI through
`SafeStream`, the app's widgets and the preview through their rendering helpers.

This module is domain-side: it imports neither textual nor torch.
"""

from __future__ import annotations

import io
import re
from typing import TextIO

_REPLACEMENT = "\ufffd"

#: What `safe_text` replaces: C0 except tab and newline, DEL, C1, and lone surrogates (a
#: `\\ud800` escape in a YAML string, or bytes decoded with surrogateescape).
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x20):
        if code not in (0x09, 0x0A):
            # U+2400..U+241F are the "control pictures": ␛ for ESC, ␀ for NUL, visible but inert.
            table[code] = chr(0x2400 + code)
    table[0x7F] = "\u2421"  # ␡
    for code in range(0x80, 0xA0):
        table[code] = _REPLACEMENT
    for code in range(0xD800, 0xE000):
        table[code] = _REPLACEMENT
    return table


_TABLE = _table()


def safe_text(text: str) -> str:
    """`text` with control characters (except newline and tab) made visible and inert.

    Args:
        text: Anything about to be shown on a terminal.

    Returns:
        The same text where each C0 control (other than tab and newline), DEL and each C1
        control is replaced by a visible stand-in, and each lone surrogate by U+FFFD.
    """
    return text.translate(_TABLE)


def first_control(text: str) -> int | None:
    """The index of the first character `safe_text` would replace, or None."""
    found = UNSAFE.search(text)
    return None if found is None else found.start()


class SafeStream(io.TextIOBase):
    """A text stream that passes everything written through `safe_text`.

    The headless commands write through it, so no path (an echo, a JSON dump, an error
    line) can put a raw control sequence on the user's terminal.
    """

    def __init__(self, inner: TextIO) -> None:
        super().__init__()
        self.inner = inner

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.inner, "errors", None)

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    def write(self, text: str) -> int:
        self.inner.write(safe_text(text))
        return len(text)

    def flush(self) -> None:
        self.inner.flush()
