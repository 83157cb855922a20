"""The `quizapp` command line: parses arguments, calls the domain, starts the app."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from quizapp import __version__
from quizapp.commands import authoring, grading, mock, preview, study
from quizapp.commands.common import Context, UserError


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--packs",
    "pack_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Add a folder of packs (repeatable).",
)
@click.version_option(__version__, prog_name="quizapp")
@click.pass_context
def cli(click_ctx: click.Context, pack_dirs: tuple[Path, ...]) -> None:
    """Practise diffusion-model interviews; answers graded by running diffusers.

    Without a command, opens the app on its home screen.
    """
    for folder in pack_dirs:
        if not folder.is_dir():
            raise UserError(f"--packs {folder}: no such folder")
    click_ctx.obj = Context(pack_dirs=list(pack_dirs))
    if click_ctx.invoked_subcommand is None:
        from quizapp.commands.study import run_app

        run_app(click_ctx.obj)


for command in (
    authoring.validate,
    authoring.schema,
    authoring.new,
    grading.grade,
    grading.check,
    preview.preview,
    study.practice,
    study.stats,
    mock.mock,
    mock.report,
):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors print one line and exit 2, never a traceback."""
    try:
        cli.main(args=argv, prog_name="quizapp", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.Abort:
        click.echo("quizapp: aborted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        # One line, not click's usage block: the message says what to fix.
        click.echo(f"quizapp: error: {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    sys.exit(0)
