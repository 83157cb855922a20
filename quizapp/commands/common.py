"""What every subcommand shares: the global options, the store, the app and the packs.

Kept light on purpose: `quizapp` with no command imports only this module on its way to
the first frame, so the pack models (pydantic) load later, in the app's background worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from quizapp import locations
from quizapp.commands.errors import UserError
from quizapp.store.db import Store, StoreError

if TYPE_CHECKING:
    from quizapp.packs.registry import Registry
    from quizapp.packs.summary_cache import PackSummary
    from quizapp.study.interview import MockOptions
    from quizapp.study.planning import Filters
    from quizapp.study.practice import PracticeOptions


@dataclass
class Context:
    """Global options, parsed before the subcommand."""

    pack_dirs: list[Path] = field(default_factory=list)

    def registry(self, warn: bool = True) -> Registry:
        """Bundled, user and `--packs` packs (refreshing the summary cache); with `warn`,
        one stderr line per broken pack."""
        from quizapp.packs.files import default_folders
        from quizapp.packs.summary_cache import load_and_remember

        registry = load_and_remember(default_folders(self.pack_dirs))
        if warn:
            # A broken pack is skipped, not fatal: the command goes on with the others.
            for line in registry.broken():
                click.echo(f"quizapp: skipped: {line}", err=True)
        return registry

    def summaries(self, warn: bool = True) -> list[PackSummary]:
        """What counts need of the same packs: from the cache when fresh (no pydantic);
        with `warn`, one stderr line per broken pack, as `registry` says it."""
        from quizapp.packs.files import default_folders
        from quizapp.packs.summary_cache import broken_packs, pack_summaries

        folders = default_folders(self.pack_dirs)
        summaries = pack_summaries(folders)
        if warn:
            for line in broken_packs(folders):
                click.echo(f"quizapp: skipped: {line}", err=True)
        return summaries


pass_context = click.make_pass_decorator(Context, ensure=True)


def open_store() -> Store:
    """The user's progress store; a corrupt or foreign file is a one-line user error."""
    try:
        return Store.open(locations.db_path())
    except StoreError as error:
        raise UserError(str(error)) from None


def run_tui(
    ctx: Context,
    registry: Registry | None = None,
    start: PracticeOptions | None = None,
    mock: MockOptions | None = None,
) -> None:
    """Run the TUI on home, or straight into a practice session or a mock interview.

    Without `registry`, the app loads the packs of `ctx` itself, after its first frame.
    A crash inside the app prints one line and ends the process with a non-zero status.
    """
    from quizapp.commands.terminal import finish, require_terminal

    store = open_store()
    try:
        require_terminal()
    except UserError:
        store.close()
        raise
    # Imported here so that the headless commands never load Textual.
    from quizapp.app import QuizApp

    try:
        app = QuizApp(
            registry=registry, store=store, start=start, mock=mock, pack_dirs=ctx.pack_dirs
        )
        app.run()
    finally:
        store.close()
    finish(app)


def require_matching(registry: Registry, filters: Filters) -> None:
    """A user error unless the pack exists and some question passes the filters."""
    from quizapp.study.planning import matching, study_items

    pack = filters.pack
    if pack is not None and registry.get(pack) is None:
        raise UserError(f"unknown pack {pack!r}; loaded: {', '.join(registry.packs) or '-'}")
    if not matching(study_items(registry), filters):
        raise UserError(f"no question matches {filters.flags or 'the loaded packs'}")
