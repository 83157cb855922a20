"""Packs from elsewhere: `quizapp install`, `quizapp packs`, `quizapp uninstall`."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import click

from quizapp import locations
from quizapp.commands.common import Context, pass_context
from quizapp.commands.errors import UserError
from quizapp.packs.install import InstallError, installed
from quizapp.packs.install import install as install_packs
from quizapp.packs.install import uninstall as remove_pack
from quizapp.packs.sources import SourceError, fetch


def _fail(error: InstallError) -> UserError:
    """Located errors first, one per line, then the one-line verdict."""
    for line in error.errors:
        click.echo(line, err=True)
    return UserError(str(error))


@click.command()
@click.argument("source", metavar="PATH|GIT_URL")
@click.option("--replace", is_flag=True, help="Replace installed packs with the same id.")
@pass_context
def install(ctx: Context, source: str, replace: bool) -> None:
    """Install the packs of a YAML file, a folder of them, or a git repository.

    Every pack is validated first: on any error nothing is copied and each error is
    printed as path:line:col: message. A pack whose id is already installed is refused
    unless --replace is given.
    """
    with tempfile.TemporaryDirectory(prefix="quizapp-install-") as scratch:
        try:
            fetched = fetch(source, Path(scratch))
            outcomes = install_packs(
                fetched, ctx.registry(), replace=replace, now=datetime.now(UTC)
            )
        except SourceError as error:
            raise UserError(str(error)) from None
        except InstallError as error:
            raise _fail(error) from None
    for outcome in outcomes:
        if outcome.previous_version is None:
            change = f"version {outcome.version}"
        elif outcome.previous_version == outcome.version:
            change = f"replaced, version {outcome.version}"
        else:
            change = f"version {outcome.previous_version} → {outcome.version}"
        click.echo(f"installed {outcome.id} ({change}) into {outcome.file}")


@click.command()
@pass_context
def packs(ctx: Context) -> None:
    """List installed packs with their version and source."""
    try:
        rows = installed(ctx.registry())
    except InstallError as error:
        raise _fail(error) from None
    if not rows:
        click.echo(
            f"no installed pack in {locations.user_packs_dir()}; add one with "
            "`quizapp install PATH|GIT_URL`"
        )
        return
    width = max(len(row.id) for row in rows)
    for row in rows:
        commit = f" @ {row.commit[:12]}" if row.commit else ""
        click.echo(f"{row.id:<{width}}  v{row.version:<3} {row.title}")
        click.echo(f"{'':<{width}}  from {row.source}{commit} · installed {row.installed_at}")


@click.command()
@click.argument("pack_id")
@pass_context
def uninstall(ctx: Context, pack_id: str) -> None:
    """Remove the installed pack PACK_ID; its progress is kept for a reinstall."""
    try:
        path = remove_pack(pack_id, ctx.registry())
    except InstallError as error:
        raise _fail(error) from None
    click.echo(f"uninstalled {pack_id} (removed {path}); its progress is kept")
