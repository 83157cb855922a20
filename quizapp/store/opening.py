"""The first steps of opening a store, made safe against a read-only place and a race.

Two things went wrong at open before:

* a store (or its folder) that is not writable opened fine and failed later, at the first
  write: in the middle of grading, with "attempt to write a readonly database";
* two processes creating the same new store at the same instant failed ("database is
  locked" at `PRAGMA journal_mode = WAL`): switching to WAL takes an exclusive lock for
  which SQLite does not always wait, busy timeout or not.

So the place is checked for writing first (one clear error instead of a later crash), the
busy timeout is given to `connect` (it is in force before the first statement), and the
first-open steps are retried while the database reports itself locked or busy.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

#: How long the first-open steps keep retrying a locked database, in seconds.
RETRY_SECONDS = 10.0
#: The busy timeout given to `sqlite3.connect`, in seconds.
BUSY_TIMEOUT_SECONDS = 5.0

T = TypeVar("T")


class ReadOnlyStore(Exception):
    """The store's file or folder cannot be written; the message is one line for the user."""


def check_writable(path: Path) -> None:
    """Raise ReadOnlyStore unless the store at `path` (and its folder) can be written.

    The folder matters too: in WAL mode SQLite creates `-wal` and `-shm` files beside the
    database. A missing folder is fine when its nearest existing parent is writable.
    """
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ReadOnlyStore(
            f"cannot write in {folder}: the progress store needs a writable folder; "
            "make it writable or set QUIZAPP_HOME to another folder"
        )
    if path.exists() and not os.access(path, os.W_OK):
        raise ReadOnlyStore(
            f"the progress store {path} is read-only; make it writable "
            "or set QUIZAPP_HOME to another folder"
        )


def is_locked(error: sqlite3.Error) -> bool:
    """True for the transient errors of another connection holding a lock."""
    message = str(error).lower()
    return isinstance(error, sqlite3.OperationalError) and (
        "locked" in message or "busy" in message
    )


def retry_locked(
    step: Callable[[], T],
    seconds: float = RETRY_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Run `step`, again while it fails with a locked database, for up to `seconds`.

    Raises:
        sqlite3.Error: the last error, when the lock outlasts `seconds` or the error is
            not a lock.
    """
    deadline = clock() + seconds
    delay = 0.01
    while True:
        try:
            return step()
        except sqlite3.Error as error:
            if not is_locked(error) or clock() >= deadline:
                raise
        sleep(delay)
        delay = min(delay * 2, 0.25)
