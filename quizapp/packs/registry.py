"""All loaded packs: bundled, the user's data-dir `packs/`, and every `--packs DIR`.

One broken pack never stops the others from loading; its errors are kept for display.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from quizapp.packs.errors import PackError, PackLoadError
from quizapp.packs.files import default_folders, pack_files
from quizapp.packs.loader import LoadedPack, load_pack
from quizapp.packs.models import AnyQuestion

__all__ = ["Registry", "default_folders", "pack_files"]


@dataclass
class Registry:
    """Packs by id, in load order, plus every error met while loading."""

    packs: dict[str, LoadedPack] = field(default_factory=dict)
    errors: list[PackError] = field(default_factory=list)

    @classmethod
    def load(cls, folders: Iterable[Path]) -> Registry:
        """Load every pack file of `folders` (missing folders are skipped)."""
        registry = cls()
        for folder in folders:
            for path in pack_files(folder):
                registry.add_file(path)
        return registry

    @classmethod
    def load_files(cls, paths: Iterable[Path]) -> Registry:
        """Load exactly these files."""
        registry = cls()
        for path in paths:
            registry.add_file(path)
        return registry

    def add_file(self, path: Path) -> LoadedPack | None:
        """Load one file; on failure record its errors and return None."""
        try:
            loaded = load_pack(path)
        except PackLoadError as error:
            self.errors.extend(error.errors)
            return None
        first = self.packs.get(loaded.id)
        if first is not None:
            self.errors.append(
                PackError(
                    path,
                    loaded.id_line,
                    loaded.id_col,
                    f"duplicate pack id {loaded.id!r}, already loaded from {first.path}",
                )
            )
            return None
        self.packs[loaded.id] = loaded
        return loaded

    def broken(self) -> list[str]:
        """One line per file that failed to load: its first error, and how many more."""
        by_file: dict[Path, list[PackError]] = {}
        for error in self.errors:
            by_file.setdefault(error.path, []).append(error)
        lines = []
        for path, errors in by_file.items():
            more = len(errors) - 1
            tail = f" (+{more} more: quizapp validate {path})" if more else ""
            lines.append(f"{errors[0]}{tail}")
        return lines

    def get(self, pack_id: str) -> LoadedPack | None:
        """The pack with this id, or None."""
        return self.packs.get(pack_id)

    def questions(self) -> Iterator[tuple[LoadedPack, AnyQuestion]]:
        """Every question of every pack, in load order."""
        for loaded in self.packs.values():
            for question in loaded.pack.questions:
                yield loaded, question

    def __len__(self) -> int:
        return len(self.packs)
