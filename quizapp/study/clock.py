"""Time as the study layer takes it (an injected clock) and shows it (m:ss)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

#: Returns the current timezone-aware time; injected so that tests move time by hand.
Clock = Callable[[], datetime]


def minutes_seconds(seconds: float) -> str:
    """A duration as m:ss, to the nearest second: 65.4 → "1:05", 3600 → "60:00"."""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
