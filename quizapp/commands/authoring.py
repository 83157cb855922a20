"""Commands for pack authors: validate, schema, new."""

from __future__ import annotations

from pathlib import Path

import click

from quizapp.commands.common import Context, pass_context
from quizapp.commands.errors import UserError
from quizapp.packs.coverage import format_coverage, pack_coverage
from quizapp.packs.registry import Registry, pack_files
from quizapp.packs.scaffold import ScaffoldError, scaffold
from quizapp.packs.schema import pack_schema_text


def expand_paths(ctx: Context, paths: tuple[str, ...]) -> list[Path]:
    """Files as given, the pack files inside folders, and the file of each loaded pack id.

    A name that is neither a path nor a loaded pack's id is a user error.
    """
    files: list[Path] = []
    loaded: Registry | None = None
    for raw in paths:
        path = Path(raw)
        if _exists(path) and path.is_dir():
            files.extend(pack_files(path))
        elif _exists(path):
            files.append(path)  # the loader says why a FIFO or a device is not a pack
        else:
            loaded = loaded or ctx.registry(warn=False)
            pack = loaded.get(raw)
            if pack is None:
                raise UserError(f"no such file, folder or pack id: {raw[:200]}")
            files.append(pack.path)
    return files


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a name too long for the file system is no file
        return False


def registry_for(ctx: Context, paths: tuple[str, ...]) -> Registry:
    """The packs named on the command line, or every loaded pack when none is."""
    if paths:
        return Registry.load_files(expand_paths(ctx, paths))
    return ctx.registry(warn=False)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--coverage",
    is_flag=True,
    help="Also list each objective's questions per type; flag objectives with fewer than 3.",
)
@pass_context
def validate(ctx: Context, paths: tuple[str, ...], coverage: bool) -> None:
    """Check packs: files, folders or pack ids (default: all loaded packs).

    Prints every problem as path:line:col: message and exits 1 if there is any.
    With --coverage, also prints the coverage of each valid pack's objectives (thin
    coverage is advice: it does not change the exit status).
    """
    registry = registry_for(ctx, paths)
    for error in registry.errors:
        click.echo(str(error))
    if coverage:
        for loaded in registry.packs.values():
            for line in format_coverage(loaded.id, pack_coverage(loaded.pack)):
                click.echo(line)
    questions = sum(len(p.pack.questions) for p in registry.packs.values())
    summary = f"{len(registry)} pack(s), {questions} question(s)"
    if registry.errors:
        click.echo(f"{len(registry.errors)} error(s); {summary} valid", err=True)
        raise SystemExit(1)
    click.echo(f"ok: {summary}", err=True)


@click.command()
def schema() -> None:
    """Print the pack JSON Schema."""
    click.echo(pack_schema_text(), nl=False)


@click.command()
@click.argument("pack_id")
def new(pack_id: str) -> None:
    """Write PACK_ID.yaml in the current folder: a valid pack to start from."""
    try:
        text = scaffold(pack_id)
    except ScaffoldError as error:
        raise UserError(str(error)) from None
    target = Path.cwd() / f"{pack_id}.yaml"
    try:
        # "x" mode: never overwrite an author's work.
        with target.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise UserError(f"{target.name} already exists; choose another id") from None
    except OSError as error:
        raise UserError(f"cannot write {target}: {error.strerror or error}") from None
    click.echo(f"wrote {target.name}: edit it, then `quizapp validate {target.name}`")
