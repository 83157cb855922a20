"""Errors the grading layer raises to its callers (screens, commands), apart from parsing.

`ProbeFailed` lives here rather than in the transport module (`client.py`) so that screens
and commands can catch it without importing the worker's plumbing.
"""

from __future__ import annotations

from quizapp.textsafe import safe_text


class ProbeFailed(Exception):
    """A probe could not be graded; `reason` is one line for "could not grade: reason"."""

    def __init__(self, reason: str) -> None:
        # The reason may quote the worker's stderr or an exception: made safe to show.
        reason = safe_text(reason)
        super().__init__(reason)
        self.reason = reason
