"""The first steps of opening a store, made safe against a read-only place and a race.

Two things went wrong at open before:

* a store (or its folder) that is not writable opened fine and failed later, at the first
  write: in the middle of grading, with "attempt to write a readonly database";
* two processes creating the same new store at the same instant failed ("database is
  locked" at `PRAGMA journal_mode = WAL`): switching to WAL takes an exclusive lock for
  which SQLite does not always wait, busy timeout or not.

So the place is checked for writing first (one clear error instead of a later crash), the
busy timeout is given to `connect` (it is in force before the first statement), and the
first-open steps are retried while the database reports itself locked or busy. And the
whole open (look, then create) holds a lock on the store's folder (`opening_lock`): a process
that looked at a file another was half-way through creating once read a few bytes of header
and refused it as "not a SQLite database".

A full disk is named as such (`failure`): SQLite reports a -shm file it cannot grow as a
plain "disk I/O error", which was once shown as "is corrupt … move it aside", an invitation
to throw away a store that was fine. Only SQLite's own corruption codes say "corrupt".
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from quizapp.oneline import error_line

#: How long the first-open steps keep retrying a locked database, in seconds.
RETRY_SECONDS = 10.0
#: The busy timeout given to `sqlite3.connect`, in seconds.
BUSY_TIMEOUT_SECONDS = 5.0
#: With less free space than this, an I/O error is the disk being full: SQLite says
#: SQLITE_FULL when the database or WAL cannot grow, but SQLITE_IOERR for the -shm file.
LOW_SPACE_BYTES = 1 << 20

T = TypeVar("T")


@contextlib.contextmanager
def opening_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder of `path` while the store is looked at and made.

    Only opening is serialised (a few milliseconds); connections stay concurrent after it.
    Where folders cannot be locked (no fcntl, or a folder not yet made and not makeable),
    opening goes on unlocked: the retry on a locked database still covers most races.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX
        yield
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path.parent, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


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


def free_bytes(folder: Path) -> int | None:
    """Bytes an unprivileged writer may still use on the file system of `folder`."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        stats = os.statvfs(folder)
    except (OSError, AttributeError):  # no statvfs on Windows
        return None
    return stats.f_bavail * stats.f_frsize


def is_disk_full(error: BaseException, folder: Path) -> bool:
    """True when `error` (from SQLite or the OS) comes from the disk under `folder` being full."""
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    code = getattr(error, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL:
        return True
    if code is not None and code & 0xFF == sqlite3.SQLITE_IOERR:
        free = free_bytes(folder)
        return free is not None and free < LOW_SPACE_BYTES
    return False


def disk_full_message(path: Path) -> str:
    """What to say when the store cannot be written for want of space."""
    free = free_bytes(path.parent)
    left = "" if free is None else f", {free} bytes free"
    return (
        f"disk full: the progress store {path} cannot be written (its disk is full{left}); "
        "free some space and try again; the store itself is unchanged"
    )


def failure(path: Path, error: sqlite3.Error | OSError, doing: str) -> str:
    """The one-line message for `error` while `doing` ("open", "read", ...) the store.

    A full disk says so; SQLite's corruption codes say "corrupt"; anything else (an I/O
    error, a permission, a lock) is reported as what it is, never as corruption.
    """
    if is_disk_full(error, path.parent):
        return disk_full_message(path)
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return f"{path} is corrupt ({error_line(error)}); move it aside to start fresh"
    return f"cannot {doing} {path}: {error_line(error)}"
