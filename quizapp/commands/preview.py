"""`quizapp preview PATH`: the pack in the browse screen, reloaded on every save."""

from __future__ import annotations

from pathlib import Path

import click

from quizapp.commands.common import UserError
from quizapp.commands.grading import grading_service


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
def preview(path: Path) -> None:
    """Show the pack file PATH as learners see it, with every reference answer.

    The file is reloaded whenever it is saved; while it does not validate, its errors are
    shown (path:line:col: message) in place of the questions. `t` tries the highlighted
    question, `q` quits.
    """
    if not path.is_file():
        raise UserError(f"no such pack file: {path}")
    # Imported here so that the other commands never load Textual.
    from quizapp.preview_app import PreviewApp

    with grading_service() as service:
        PreviewApp(path, service).run()
