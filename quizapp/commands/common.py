"""What every subcommand shares: the global options and the one-line user error."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click

from quizapp.packs.registry import Registry, default_folders


class UserError(click.ClickException):
    """A mistake the user can fix: printed as one line, exit status 2."""

    exit_code = 2


@dataclass
class Context:
    """Global options, parsed before the subcommand."""

    pack_dirs: list[Path] = field(default_factory=list)

    def registry(self) -> Registry:
        """Bundled, user and `--packs` packs."""
        return Registry.load(default_folders(self.pack_dirs))


pass_context = click.make_pass_decorator(Context, ensure=True)
