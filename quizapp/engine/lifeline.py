"""Children die with their parent: the engine's processes never outlive the UI that started them.

The parent starts each child with `child_environment()` (its own pid in the environment); the
child calls `watch_parent()` first thing, and a daemon thread ends it once its parent is gone
(it has been re-parented). Not `PR_SET_PDEATHSIG`: that signal fires when the *thread* that
forked exits, and the UI starts children from short-lived worker threads. Not the end of
stdin alone either: a worker computing a long probe, or the optimizer, does not read it.
"""

from __future__ import annotations

import os
import threading
import time

#: The parent's pid, as the parent set it; the child compares its current parent with it.
PARENT_ENV = "QUIZAPP_PARENT_PID"
#: How often the child looks, in seconds.
INTERVAL = 0.2


def child_environment() -> dict[str, str]:
    """This process's environment plus its pid, for a child that will watch it."""
    return {**os.environ, PARENT_ENV: str(os.getpid())}


def watch_parent(interval: float = INTERVAL) -> None:
    """Exit (status 1) as soon as the parent named in the environment is gone.

    Without the variable (a child started by hand) the parent at call time is watched. A
    parent already gone before the call ends the process at once.
    """
    raw = os.environ.get(PARENT_ENV, "")
    parent = int(raw) if raw.isdigit() else os.getppid()
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        # The parent is gone: exit now, from this thread, whatever the main thread is doing
        # (a probe, a torch import, a fit). No cleanup is owed to a parent that is not there.
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
