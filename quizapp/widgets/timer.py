"""A mm:ss countdown that turns to the warning colour under a minute.

It only displays: the screen reads the app's clock (through the interview controller) and
sets `seconds`, so a fake clock drives it in tests and snapshots.
"""

from __future__ import annotations

import math

from textual.reactive import reactive
from textual.widgets import Static

#: Under this many seconds left the countdown takes the warning colour.
WARNING_SECONDS = 60


def clock_text(seconds: float) -> str:
    """Seconds as mm:ss, rounded up (a clock never shows 0:00 while time is left).

    Negative values (over a budget) read `+m:ss`.
    """
    over = seconds < 0
    whole = math.floor(-seconds) if over else math.ceil(seconds)
    text = f"{whole // 60:02d}:{whole % 60:02d}"
    return f"+{text}" if over else text


class Countdown(Static):
    """`label mm:ss` (`of mm:ss` with a budget); `warning` under `warn_under` seconds (a
    minute by default), `over` past zero."""

    DEFAULT_CSS = """
    Countdown { width: auto; padding: 0 1; }
    Countdown.warning { color: $warning; text-style: bold; }
    Countdown.over { color: $error; text-style: bold; }
    """

    seconds: reactive[float] = reactive(0.0)

    def __init__(
        self,
        label: str,
        seconds: float = 0.0,
        budget: int | None = None,
        *,
        warn_under: float = WARNING_SECONDS,
        id: str | None = None,
    ) -> None:
        super().__init__("", id=id, markup=False)
        self.label = label
        self.budget = budget
        self.warn_under = warn_under
        self.set_reactive(Countdown.seconds, seconds)

    def on_mount(self) -> None:
        self.watch_seconds(self.seconds)

    def watch_seconds(self, seconds: float) -> None:
        """Redraw, and take the warning colour under a minute."""
        over = seconds < 0
        self.set_class(over, "over")
        self.set_class(0 <= seconds < self.warn_under, "warning")
        suffix = " over" if over else ""
        if self.budget is not None:
            suffix += f" of {clock_text(self.budget)}"
        self.update(f"{self.label} {clock_text(seconds)}{suffix}")
