"""Which files are packs: cheap enough for start-up (no YAML, no pydantic)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from quizapp import locations

PACK_SUFFIXES = (".yaml", ".yml")


def pack_files(folder: Path) -> list[Path]:
    """The pack files directly inside `folder`, sorted by name."""
    try:
        if not folder.is_dir():
            return []
        # Anything with a pack suffix that is not a regular file (a FIFO, a dangling link)
        # is listed too, so that loading it reports why it was skipped.
        return sorted(p for p in folder.iterdir() if p.suffix in PACK_SUFFIXES and not p.is_dir())
    except OSError:
        return []


def default_folders(extra: Iterable[Path] = ()) -> list[Path]:
    """Bundled content, then the user's packs, then `--packs` folders, in that order."""
    return [locations.content_dir(), locations.user_packs_dir(), *extra]
