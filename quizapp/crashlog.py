"""A crash is one line on the terminal and a full traceback in the data folder's log.

Used by the command line (`cli.main`) and by the apps (their fatal-error hook), so that an
unforeseen exception never dumps a traceback into the user's terminal, never exits 0, and
still leaves everything a bug report needs.
"""

from __future__ import annotations

import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

from quizapp import __version__, locations
from quizapp.oneline import one_line
from quizapp.textsafe import safe_text

#: The log is rotated once it grows past this, keeping one previous file.
MAX_LOG_BYTES = 1 << 20
#: Exit status of a crash (as opposed to 2, a mistake the user can fix).
CRASH_EXIT = 1


def log_path() -> Path:
    """The crash log in the data folder."""
    return locations.logs_dir() / "crash.log"


def write_crash_log(error: BaseException) -> Path | None:
    """Append `error`'s traceback to the crash log; the log's path, or None if unwritable."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
            path.replace(path.with_name(path.name + ".1"))
        lines = traceback.format_exception(type(error), error, error.__traceback__)
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        header = f"--- {stamp} quizapp {__version__} argv={sys.argv!r}\n"
        with path.open("a", encoding="utf-8", errors="backslashreplace") as log:
            log.write(header + "".join(lines) + "\n")
    except OSError:
        return None
    return path


def crash_line(error: BaseException, log: Path | None) -> str:
    """One line for the terminal: what went wrong and where the full traceback is."""
    detail = one_line(error, 200)
    what = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    where = f"traceback written to {log}" if log else "the traceback could not be written"
    return safe_text(f"quizapp: crashed ({what}); {where}")


def report_crash(error: BaseException) -> str:
    """Log `error` and return the line to show."""
    return crash_line(error, write_crash_log(error))
