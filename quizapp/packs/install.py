"""Install, list and uninstall the user's packs (the data dir's `packs/` folder).

Installing is all or nothing: every pack of the source is validated where it will live
(a staged copy inside `packs/`, so relative model paths are checked from there) before any
file takes its final name. A manifest beside `packs/` remembers where each came from.
Uninstalling removes the pack file only; progress in the store is keyed by pack id and kept.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from quizapp import locations
from quizapp.packs.errors import PackError, PackLoadError
from quizapp.packs.files import PACK_SUFFIXES
from quizapp.packs.loader import LoadedPack, load_pack
from quizapp.packs.registry import Registry
from quizapp.packs.sources import Fetched

_STAGED_SUFFIX = ".partial"


class InstallError(Exception):
    """Why nothing was installed: one line, plus the packs' located errors if any."""

    def __init__(self, message: str, errors: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.errors = errors


@dataclass(frozen=True)
class Installed:
    """One installed pack, as `quizapp packs` lists it."""

    id: str
    title: str
    version: int
    source: str
    commit: str | None
    installed_at: str
    file: Path


@dataclass(frozen=True)
class InstallOutcome:
    """What one pack's install did."""

    id: str
    version: int
    previous_version: int | None
    file: Path


def read_manifest() -> dict[str, dict[str, Any]]:
    """Pack id → {file, source, commit, version, installed_at}; empty when none yet."""
    path = locations.installed_manifest()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise InstallError(f"{path}: cannot read the list of installed packs: {error}") from None
    return data if isinstance(data, dict) else {}


def _write_manifest(manifest: dict[str, dict[str, Any]]) -> None:
    path = locations.installed_manifest()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + _STAGED_SUFFIX)
    partial.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    partial.replace(path)


def _in_user_packs(loaded: LoadedPack) -> bool:
    return loaded.path.parent.resolve() == locations.user_packs_dir().resolve()


def _shown(error: PackError, fetched: Fetched, staged: dict[Path, Path]) -> str:
    """An error against the file the user knows: the source file, or URL + path in the repo."""
    path = staged.get(error.path, error.path)
    if fetched.commit is not None:
        where = f"{fetched.source}:{path.relative_to(fetched.root)}"
    else:
        where = str(path)
    return f"{where}:{error.line}:{error.col}: {error.message}"


def _validated(fetched: Fetched) -> list[LoadedPack]:
    """Every pack of the source, or InstallError with all their located errors."""
    incoming = Registry.load_files(fetched.files)
    if incoming.errors:
        errors = tuple(_shown(error, fetched, {}) for error in incoming.errors)
        raise InstallError(f"{fetched.source}: {len(errors)} error(s); nothing installed", errors)
    return list(incoming.packs.values())


def _check_collisions(packs: list[LoadedPack], loaded: Registry, replace: bool) -> None:
    for pack in packs:
        existing = loaded.get(pack.id)
        if existing is None:
            continue
        if not _in_user_packs(existing):
            raise InstallError(
                f"pack id {pack.id!r} is already loaded from {existing.path} (not an installed "
                "pack, so --replace cannot replace it); give the pack another id"
            )
        if not replace:
            version = existing.pack.pack.version
            raise InstallError(
                f"pack id {pack.id!r} is already installed (version {version}); "
                "add --replace to replace it"
            )


def install(
    fetched: Fetched, loaded: Registry, *, replace: bool, now: datetime
) -> list[InstallOutcome]:
    """Copy the packs of `fetched` into the user's packs folder, all or nothing.

    Args:
        fetched: The source's pack files.
        loaded: Every pack loaded now (bundled, installed, `--packs`), for id collisions.
        replace: Replace installed packs with the same id.
        now: When, for the manifest.

    Raises:
        InstallError: a pack does not validate, or its id collides; nothing is copied.
    """
    packs = _validated(fetched)
    _check_collisions(packs, loaded, replace)
    target_dir = locations.user_packs_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    staged: dict[Path, Path] = {}
    try:
        for pack in packs:
            copy = target_dir / f".{pack.id}.yaml{_STAGED_SUFFIX}"
            shutil.copyfile(pack.path, copy)
            staged[copy] = pack.path
        errors: list[str] = []
        for copy in staged:
            try:
                load_pack(copy)
            except PackLoadError as error:
                errors += [_shown(e, fetched, staged) for e in error.errors]
        if errors:
            raise InstallError(
                f"{fetched.source}: {len(errors)} error(s) once copied; nothing installed",
                tuple(errors),
            )
        pairs = zip(staged, packs, strict=True)
        outcomes = [_put_in_place(pack, copy, loaded) for copy, pack in pairs]
    finally:
        for copy in staged:
            copy.unlink(missing_ok=True)
    manifest = read_manifest()
    for outcome in outcomes:
        manifest[outcome.id] = {
            "file": outcome.file.name,
            "source": fetched.source,
            "commit": fetched.commit,
            "version": outcome.version,
            "installed_at": now.isoformat(timespec="seconds"),
        }
    _write_manifest(manifest)
    return outcomes


def _put_in_place(pack: LoadedPack, copy: Path, loaded: Registry) -> InstallOutcome:
    final = locations.user_packs_dir() / f"{pack.id}.yaml"
    existing = loaded.get(pack.id)
    previous = existing.pack.pack.version if existing is not None else None
    if existing is not None and existing.path.resolve() != final.resolve():
        existing.path.unlink(missing_ok=True)
    os.replace(copy, final)
    return InstallOutcome(pack.id, pack.pack.pack.version, previous, final)


def installed(loaded: Registry) -> list[Installed]:
    """The packs in the user's packs folder, with their source (hand-copied ones too)."""
    manifest = read_manifest()
    rows = []
    for pack in loaded.packs.values():
        if not _in_user_packs(pack):
            continue
        entry = manifest.get(pack.id, {})
        rows.append(
            Installed(
                id=pack.id,
                title=pack.pack.pack.title,
                version=pack.pack.pack.version,
                source=str(entry.get("source") or "copied into the packs folder by hand"),
                commit=entry.get("commit"),
                installed_at=str(entry.get("installed_at") or "-"),
                file=pack.path,
            )
        )
    return sorted(rows, key=lambda row: row.id)


def _manifest_file(entry: object, pack_id: str) -> Path:
    """The file a manifest entry names, only if it is a file directly in the packs folder.

    The manifest is a file anyone with the home folder can edit: `"file": "../../.bashrc"`
    or an absolute path must never make `uninstall` delete something else.
    """
    name = entry.get("file", f"{pack_id}.yaml") if isinstance(entry, dict) else None
    folder = locations.user_packs_dir()
    if (
        isinstance(name, str)
        and name not in ("", ".", "..")
        and Path(name).name == name
        and Path(name).suffix in PACK_SUFFIXES
    ):
        path = folder / name
        if path.parent.resolve() == folder.resolve():
            return path
    raise InstallError(
        f"the list of installed packs names {name!r} for {pack_id!r}, which is not a pack "
        f"file in {folder}; nothing removed (edit {locations.installed_manifest()} to fix it)"
    )


def uninstall(pack_id: str, loaded: Registry) -> Path:
    """Remove an installed pack's file (its progress stays in the store).

    Returns:
        The file removed.

    Raises:
        InstallError: the id is not an installed pack.
    """
    manifest = read_manifest()
    pack = loaded.get(pack_id)
    if pack is not None and not _in_user_packs(pack):
        raise InstallError(
            f"pack {pack_id!r} is loaded from {pack.path}, not installed: nothing to uninstall"
        )
    if pack is not None:
        path = pack.path
    elif pack_id in manifest:
        # Installed but no longer loading (edited by hand into an invalid pack): still removable.
        path = _manifest_file(manifest[pack_id], pack_id)
    else:
        names = sorted(p.id for p in loaded.packs.values() if _in_user_packs(p))
        raise InstallError(
            f"no installed pack {pack_id!r} (installed: {', '.join(names) or 'none'})"
        )
    path.unlink(missing_ok=True)
    if manifest.pop(pack_id, None) is not None:
        _write_manifest(manifest)
    return path
