"""One line of text for a message: every error a learner or author reads is one line.

Imported by the domain, the UI and the engine alike (it imports nothing of quizapp), so that
each surface cuts and joins messages the same way.
"""

from __future__ import annotations

#: A message quoting a 100,000-character value must still fit a terminal line or two.
LIMIT = 300


def one_line(text: object, limit: int = LIMIT) -> str:
    """`text` with its whitespace runs (newlines included) joined by one space, cut to `limit`.

    Joining rather than taking the first line keeps a pydantic or YAML message whole, whose
    useful part often sits on its second line.
    """
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def describe_exception(error: BaseException, limit: int = 200) -> str:
    """`ValueError: the first line of its message`, or the class name for an empty message.

    An exception's first line is its summary: torch and diffusers append lines of context
    (hints, C++ frames) that would bury it.
    """
    first = next((line for line in str(error).splitlines() if line.strip()), "")
    message = one_line(first, limit)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def error_line(error: BaseException, limit: int = LIMIT) -> str:
    """The message of `error` on one line, or its class name when it has none."""
    return one_line(error, limit) or type(error).__name__
