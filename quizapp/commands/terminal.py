"""The TUI needs a terminal: say so in one line instead of spinning or crashing without one."""

from __future__ import annotations

import os
import sys

import click

from quizapp.commands.errors import UserError


def require_terminal() -> None:
    """A user error unless stdin (keys) and stderr (where Textual draws) are a terminal.

    Without one, Textual cannot read keys (stdin at end of file spins a core; a closed stdin
    is None) or draw; the headless commands work anywhere, so point at them.

    Raises:
        UserError: naming which stream is not a terminal.
    """
    if "web_driver" in os.environ.get("TEXTUAL_DRIVER", ""):
        return  # `quizapp serve`: textual-serve talks to the app over pipes, by design
    for name in ("stdin", "stderr"):
        stream = getattr(sys, name)
        if stream is None or stream.closed or not _isatty(stream):
            raise UserError(
                f"the app needs an interactive terminal, but {name} is not one; "
                "for scripts use a command such as `quizapp stats` or `quizapp grade`"
            )


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


def finish(app: object) -> None:
    """After `app.run()`: a crash prints its one line and exits with the app's status.

    Raises:
        SystemExit: with the app's return code, when it is not 0.
    """
    message = getattr(app, "crash_message", None)
    if message:
        click.echo(message, err=True)
    code = getattr(app, "return_code", 0)
    if code:
        raise SystemExit(code)
