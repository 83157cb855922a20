"""The apps' fatal-error hook: a crash is one line on exit, the traceback goes to the log.

Textual's default prints a full rich traceback (with locals) on exit. Both apps (the TUI and
`quizapp preview`) mix this in instead: the traceback is written to the crash log in the
data folder (`crashlog.py`), the terminal gets one line saying where, and the app's return
code is 1 so the command exits non-zero (`commands/terminal.finish`).
"""

from __future__ import annotations

import sys

from textual.app import App

from quizapp.crashlog import CRASH_EXIT, report_crash


class CrashToLog(App[None]):
    """Mix in before `App`: unhandled exceptions end the app with one line and status 1."""

    _crash: BaseException | None = None
    #: The one line to print after the app exits, when it crashed.
    crash_message: str | None = None

    def _handle_exception(self, error: Exception) -> None:
        # Kept for `_fatal_error`: a worker's error reaches here outside any except block.
        if self._crash is None:
            self._crash = error
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        error = self._crash or sys.exc_info()[1]
        if error is None:  # pragma: no cover - Textual calls it only after an exception
            super()._fatal_error()
            return
        self.bell()
        self._return_code = CRASH_EXIT
        # Kept for the command to print once the terminal is restored: printed by Textual's
        # console, a long line would be wrapped or cropped.
        self.crash_message = report_crash(error)
        self._close_messages_no_wait()
