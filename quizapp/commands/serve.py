"""`quizapp serve`: the TUI in a browser, one app process per connection (textual-serve)."""

from __future__ import annotations

import os
import re
import secrets
import shlex
import socket
import sys
from pathlib import Path

import click

import quizapp
from quizapp import locations, startup_gc
from quizapp.commands.common import Context, pass_context
from quizapp.commands.errors import UserError
from quizapp.grading import confinement_policy

_PROFILE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def app_command(pack_dirs: list[Path]) -> str:
    """The shell command textual-serve runs per connection: this Python, this quizapp."""
    argv = [sys.executable, "-m", "quizapp"]
    for folder in pack_dirs:
        argv += ["--packs", str(folder.resolve())]
    return shlex.join(argv)


def child_environment(profile: str | None) -> dict[str, str]:
    """Variables the app processes need: quizapp's own import path, the profile's home."""
    changes: dict[str, str] = {}
    # The app must import this quizapp (a checkout run with PYTHONPATH, or the installed one).
    root = str(Path(quizapp.__file__).resolve().parent.parent)
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if root not in paths:
        changes["PYTHONPATH"] = os.pathsep.join([root, *paths])
    if profile is not None:
        changes["QUIZAPP_HOME"] = str(locations.profile_dir(profile))
    return changes


def _check_port(host: str, port: int) -> None:
    """A taken port is a one-line error now, not a traceback from inside aiohttp later."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UserError(f"cannot listen on {host}:{port}: {error.strerror}") from None


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port."
)
@click.option(
    "--token",
    help="Require this token from browsers [default: none on localhost; elsewhere, a new one].",
)
@click.option("--profile", help="Keep this learner's progress apart (QUIZAPP_HOME/profiles/NAME).")
@click.option(
    "--max-sessions",
    type=click.IntRange(1, 1000),
    default=8,
    show_default=True,
    help="Browser sessions at once (each runs an app process of about 60 MiB).",
)
@click.option(
    "--allow-unconfined-code",
    is_flag=True,
    help="Run code questions even where the kernel cannot confine learner code "
    "(on a host others can reach, they are refused there otherwise).",
)
@pass_context
def serve(
    ctx: Context,
    host: str,
    port: int,
    token: str | None,
    profile: str | None,
    max_sessions: int,
    allow_unconfined_code: bool,
) -> None:
    """Serve the app in a browser; every connection runs its own session.

    On a loopback address (the default 127.0.0.1, any 127.x, ::1, localhost) only this
    machine can connect and no token is needed unless --token gives one; on any other
    --host a token is required (--token, or one generated and printed here) and the page
    asks for it.
    """
    from quizapp.web.origin import is_loopback
    from quizapp.web.server import QuizServer

    if profile is not None and not _PROFILE.match(profile):
        raise UserError(f"--profile {profile!r}: use lowercase letters, digits, - and _")
    if token is not None and len(token) < 8:
        raise UserError("--token: use at least 8 characters")
    if token is None and not is_loopback(host):
        token = secrets.token_urlsafe(18)
    _check_port(host, port)
    pack_dirs = list(ctx.pack_dirs)
    if profile is not None:
        # A profile has its own progress, not its own packs: the shared ones stay in reach.
        shared = locations.user_packs_dir()
        if shared.is_dir():
            pack_dirs.append(shared)
        locations.profile_dir(profile).mkdir(parents=True, exist_ok=True)
    os.environ.update(child_environment(profile))
    if not is_loopback(host) and not allow_unconfined_code:
        # Inherited by every session's code server: code it cannot confine is refused.
        os.environ[confinement_policy.ENV] = "1"
    if host in ("0.0.0.0", "::"):
        # Every interface: the address to give others is this machine's, not the wildcard.
        shown = socket.gethostname()
    else:
        shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    click.echo(f"quizapp is served on {url}" + (f" (profile {profile})" if profile else ""))
    if token is not None:
        click.echo(f"token: {token}")
        click.echo(f"open {url}?token={token} or enter the token on the page")
    click.echo("ctrl+c stops the server", err=True)
    title = f"quizapp · {profile}" if profile else "quizapp"
    startup_gc.settle()  # the server runs for hours: collect at the usual rate (see startup_gc)
    QuizServer(app_command(pack_dirs), host, port, token, max_sessions, title=title).serve()
