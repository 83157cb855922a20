"""The end of a session: answered, right, time, what is due next."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from quizapp.study.practice import Summary


def duration(seconds: float) -> str:
    """ "1 min 05 s" or "42 s"."""
    whole = round(seconds)
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


def until(moment: datetime, now: datetime) -> str:
    """ "in 10 min", "in 3 h", "in 4 days": when something falls due."""
    delta = moment - now
    if delta < timedelta(hours=1):
        return f"in {max(1, round(delta.total_seconds() / 60))} min"
    if delta < timedelta(days=2):
        return f"in {round(delta.total_seconds() / 3600)} h"
    return f"in {delta.days} days"


def summary_title(summary: Summary) -> str:
    """ "Session complete", or "Session ended early: 6 of 10" (questions done of planned)."""
    if summary.ended_early:
        return f"Session ended early: {summary.done} of {summary.planned}"
    return "Session complete"


def summary_lines(summary: Summary, now: datetime) -> list[str]:
    """The summary as lines of console markup."""
    lines = [
        f"Answered [b]{summary.answered}[/] · right [b]{summary.right}[/]"
        + (f" · could not grade {summary.ungraded}" if summary.ungraded else "")
        + (f" · skipped {summary.skipped}" if summary.skipped else "")
        + (f" · flagged {summary.flagged}" if summary.flagged else ""),
        f"Time answering: {duration(summary.seconds)}",
    ]
    if summary.relearning:
        lines.append(
            f"Relearned [b]{summary.relearned}[/] of {summary.relearning} answered wrong "
            "(a wrong answer comes back later in the session until it is right)"
        )
    lines.append("")
    if summary.cram:
        lines.append("Cram session: the schedule was not changed.")
    lines.append(f"Due now: [b]{summary.due_now}[/]")
    if summary.next_due is not None:
        lines.append(f"Next due: {until(summary.next_due, now)}")
    return lines


class SummaryScreen(Screen[None]):
    """Shows the summary; any of enter / escape / q goes back home."""

    DEFAULT_CSS = """
    SummaryScreen #summary { padding: 1 2; }
    SummaryScreen #summary-title { margin-bottom: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "home", "Home"),
        Binding("escape,q", "home", "Home", show=False),
    ]

    def __init__(self, summary: Summary, now: datetime) -> None:
        super().__init__()
        self.summary = summary
        self.now = now

    def compose(self) -> ComposeResult:
        now = self.now
        yield Header()
        with Vertical(id="summary"):
            yield Static(f"[b]{summary_title(self.summary)}[/]", id="summary-title")
            yield Static("\n".join(summary_lines(self.summary, now)), id="summary-body")
        yield Footer()

    def action_home(self) -> None:
        """Back to the home screen (its counts refresh)."""
        self.dismiss()
