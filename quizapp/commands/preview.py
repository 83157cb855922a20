"""`quizapp preview PATH`: the pack in the browse screen, reloaded on every save."""

from __future__ import annotations

import stat
from pathlib import Path

import click

from quizapp.commands.errors import UserError
from quizapp.commands.grading import grading_service
from quizapp.commands.terminal import finish, require_terminal


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
def preview(path: Path) -> None:
    """Show the pack file PATH as learners see it, with every reference answer.

    The file is reloaded whenever it is saved; while it does not validate, its errors are
    shown (path:line:col: message) in place of the questions. `t` tries the highlighted
    question, `q` quits.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UserError(f"no such pack file: {path}") from None
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror or error}") from None
    if not stat.S_ISREG(mode):
        # A FIFO or a device would block the reader (or never end): refuse it up front.
        raise UserError(f"not a regular file: {path}; a pack is a .yaml file")
    require_terminal()
    # Imported here so that the other commands never load Textual.
    from quizapp.preview_app import PreviewApp

    with grading_service() as service:
        app = PreviewApp(path, service)
        app.run()
    finish(app)
