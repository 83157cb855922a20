"""Garbage collection during start-up: collect rarely until the first frame, then freeze.

Start-up (importing Textual, building the CSS, the widgets and the first frame) allocates
hundreds of thousands of long-lived objects and almost no garbage, yet with CPython's default
thresholds the cyclic collector runs over them hundreds of times: more than a tenth of the time
to the home screen's first frame. So `main` raises the youngest generation's threshold, and
once the first frame is painted the app moves everything allocated so far to the permanent
generation (`gc.freeze`, which later collections skip) and restores the usual thresholds.

Commands without the app keep the raised threshold until `main` returns: they are short
processes, and the collector still runs, only less often.
"""

from __future__ import annotations

import gc

#: Allocations between collections of the youngest generation while starting (default 700).
STARTUP_THRESHOLD = 100_000

_defaults: tuple[int, int, int] | None = None


def defer_collection() -> None:
    """Collect rarely from now on (until `settle`); calling it again changes nothing."""
    global _defaults
    if _defaults is None:
        _defaults = gc.get_threshold()
        gc.set_threshold(STARTUP_THRESHOLD, _defaults[1], _defaults[2])


def settle() -> None:
    """Start-up is over: freeze what it allocated and collect at the usual rate again."""
    if _defaults is not None:
        gc.freeze()
        restore()


def restore() -> None:
    """Collect at the usual rate again, freezing nothing (`main` calls it on the way out,
    so a command run in-process, as tests do, leaves the interpreter as it found it)."""
    global _defaults
    if _defaults is not None:
        gc.set_threshold(*_defaults)
        _defaults = None
