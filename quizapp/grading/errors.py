"""Errors the grading layer raises to its callers (screens, commands), apart from parsing.

`ProbeFailed` lives here rather than in the transport module (`client.py`) so that screens
and commands can catch it without importing the worker's plumbing.
"""

from __future__ import annotations


class ProbeFailed(Exception):
    """A probe could not be graded; `reason` is one line for "could not grade: reason"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
