"""Reading an answer from a file or stdin, never more than an answer can be.

`grade --file /dev/zero` once read 24 GB before the kernel killed it: a path may name a
device, a FIFO or a huge file, stdin may be an endless pipe, and `$EDITOR` may leave
anything in the file it was given. So at most `MAX_ANSWER_BYTES` + 1 bytes are read,
whatever the file is, and one byte past the cap is a one-line error rather than a
truncated answer graded as if whole. Used by the CLI and the UI alike (it imports nothing
of quizapp).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

#: A typed answer is a line; a code answer a page or two. 1 MiB is far past either.
MAX_ANSWER_BYTES = 1 << 20
_CHUNK = 64 * 1024


class UnreadableAnswer(Exception):
    """The answer file cannot be used; the message is one line for the user."""


def read_answer_file(name: str, limit: int = MAX_ANSWER_BYTES) -> str:
    """The UTF-8 text of the file `name` (`-`: stdin), at most `limit` bytes of it.

    Raises:
        UnreadableAnswer: no such file, unreadable, over `limit` bytes, or not UTF-8.
    """
    shown = "stdin" if name == "-" else name
    try:
        if name == "-":
            raw = _read_at_most(sys.stdin.buffer, limit)
        else:
            with Path(name).open("rb") as handle:
                raw = _read_at_most(handle, limit)
    except FileNotFoundError:
        raise UnreadableAnswer(f"no such file: {name}") from None
    except OSError as error:
        raise UnreadableAnswer(f"cannot read {shown}: {error.strerror or error}") from None
    if len(raw) > limit:
        raise UnreadableAnswer(f"{shown} holds over {limit} bytes, the most an answer may be")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnreadableAnswer(
            f"cannot read {shown}: not UTF-8 text (byte {raw[error.start]:#04x} at offset "
            f"{error.start})"
        ) from None


def _read_at_most(handle: BinaryIO, limit: int) -> bytes:
    """Up to `limit` + 1 bytes: enough to know the source is over the limit, never more."""
    chunks: list[bytes] = []
    left = limit + 1
    while left > 0:
        chunk = handle.read(min(left, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
