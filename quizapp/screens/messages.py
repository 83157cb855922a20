"""The intents screens post up to the app: one module, so every app-wide request is here.

A screen never calls into the app; it posts one of these and the app decides (plans the
session, says when there is nothing to do, pushes the screen). The messages bubble from the
screen to the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from quizapp.study.interview import MockOptions
    from quizapp.study.practice import PracticeOptions


class PracticeRequested(Message):
    """Start a practice session.

    Attributes:
        options: The filters and mode; None: due then new questions across every pack.
        cram_if_none_due: With nothing due or new under these filters, drill every
            question they match anyway (the schedule is not changed).
    """

    def __init__(
        self, options: PracticeOptions | None = None, *, cram_if_none_due: bool = False
    ) -> None:
        super().__init__()
        self.options = options
        self.cram_if_none_due = cram_if_none_due


class MockRequested(Message):
    """Start a mock interview (`options` None: across every pack)."""

    def __init__(self, options: MockOptions | None = None) -> None:
        super().__init__()
        self.options = options


class BrowseRequested(Message):
    """Browse a pack's questions (`pack_id` None: the first pack)."""

    def __init__(self, pack_id: str | None = None) -> None:
        super().__init__()
        self.pack_id = pack_id


class StatsRequested(Message):
    """Show the stats screen."""
