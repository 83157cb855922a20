"""The `quizapp` command line: parses arguments, calls the domain, starts the app.

Subcommands are imported when invoked (or listed by `--help`): `quizapp` alone goes to the
home screen without loading the pack models, the grader or the CLI's other commands first.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from pathlib import Path

import click

from quizapp import __version__, startup_gc
from quizapp.commands.common import Context
from quizapp.commands.errors import UserError
from quizapp.oneline import one_line
from quizapp.textsafe import SafeStream

#: Command name → "module:function" under quizapp.commands.
COMMANDS: dict[str, str] = {
    "practice": "study:practice",
    "mock": "interviews:mock",
    "validate": "authoring:validate",
    "check": "grading:check",
    "grade": "grading:grade",
    "exercise": "exercise:exercise",
    "schema": "authoring:schema",
    "new": "authoring:new",
    "preview": "preview:preview",
    "report": "interviews:report",
    "stats": "study:stats",
    "export": "export:export",
    "install": "install:install",
    "packs": "install:packs",
    "uninstall": "install:uninstall",
    "serve": "serve:serve",
    "config": "memory:config",
    "optimize": "memory:optimize",
    "plan": "memory:plan",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        module = importlib.import_module(f"quizapp.commands.{module_name}")
        command: click.Command = getattr(module, attribute)
        return command


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
        from quizapp.commands.common import run_tui

        run_tui(click_ctx.obj)


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors print one line and exit 2, a crash one line and exit 1.

    Everything the commands write goes through `SafeStream`, so text from packs, answers,
    the store or an exception can never put a control sequence on the terminal. (The TUI
    draws through Textual's own handle on the terminal, which this does not touch.)
    """
    # Before Textual is imported: see startup_gc (the app settles after its first frame).
    startup_gc.defer_collection()
    saved = sys.stdout, sys.stderr
    if sys.stdout is not None:
        sys.stdout = SafeStream(sys.stdout)
    if sys.stderr is not None:
        sys.stderr = SafeStream(sys.stderr)
    try:
        sys.exit(_run(argv))
    finally:
        sys.stdout, sys.stderr = saved
        startup_gc.restore()


def _run(argv: list[str] | None) -> int:
    try:
        cli.main(args=argv, prog_name="quizapp", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except (click.Abort, KeyboardInterrupt):
        click.echo("quizapp: aborted", err=True)
        return 130
    except click.ClickException as error:
        # One line, not click's usage block: the message says what to fix.
        click.echo(f"quizapp: error: {one_line(error.format_message())}", err=True)
        return error.exit_code
    except BrokenPipeError:
        # `quizapp schema | head`: the reader left; nothing more to say to it.
        _silence_stdout()
        return 1
    except OSError as error:
        # A path the user named that the system refuses (too long, no permission, a loop).
        where = f": {str(error.filename)[:80]}" if error.filename else ""
        click.echo(f"quizapp: error: {error.strerror or error}{where}", err=True)
        return 2
    except SystemExit:
        raise
    except Exception as error:
        from quizapp.crashlog import CRASH_EXIT, report_crash

        click.echo(report_crash(error), err=True)
        return CRASH_EXIT
    return 0


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    # Best effort: if even /dev/null cannot be opened, the exit status still says it all.
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
