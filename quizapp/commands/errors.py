"""The one error a command raises for a mistake the user can fix.

A module of its own, importing nothing of quizapp, so that every command module (and
`commands/terminal.py`, which `commands/common.py` calls on use) can raise it without an
import cycle between them.
"""

from __future__ import annotations

import click


class UserError(click.ClickException):
    """A mistake the user can fix: printed as one line, exit status 2."""

    exit_code = 2
