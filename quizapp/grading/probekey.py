"""Cache keys for probe results, computed without importing torch or diffusers.

A key changes whenever the value could: the probe's content, the installed diffusers or
torch version, or any byte of the model folder.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import metadata
from pathlib import Path

from quizapp.packs.models import Probe

_CHUNK = 1 << 20

#: Digest of model `none`.
NO_MODEL = "none"

_digests: dict[tuple[str, tuple[tuple[str, int, int], ...]], str] = {}


def model_digest(path: Path | None) -> str:
    """sha256 over the folder's relative file names and contents; "none" for None.

    Memoised by path and the files' sizes and mtimes, so a warm call only stats the files.
    """
    if path is None:
        return NO_MODEL
    root = path.resolve()
    files = sorted(p for p in root.rglob("*") if p.is_file())
    stamp = tuple(
        (p.relative_to(root).as_posix(), p.stat().st_mtime_ns, p.stat().st_size) for p in files
    )
    key = (str(root), stamp)
    cached = _digests.get(key)
    if cached is not None:
        return cached
    digest = hashlib.sha256()
    for file in files:
        name = file.relative_to(root).as_posix().encode("utf-8")
        # Length prefixes keep (name, content) boundaries unambiguous.
        digest.update(len(name).to_bytes(8, "big") + name)
        digest.update(file.stat().st_size.to_bytes(8, "big"))
        with file.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    _digests[key] = digest.hexdigest()
    return _digests[key]


@cache
def library_versions() -> tuple[str, str]:
    """(diffusers, torch) versions as installed; "missing" for one that is not."""
    return (_version("diffusers"), _version("torch"))


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "missing"


def canonical_probe(probe: Probe) -> str:
    """The probe as canonical JSON: every field with its default, keys sorted."""
    return json.dumps(
        probe.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def probe_key(probe: Probe, model_path: Path | None) -> str:
    """sha256 of the canonical probe, the diffusers and torch versions and the model digest."""
    diffusers_version, torch_version = library_versions()
    payload = json.dumps(
        {
            "probe": canonical_probe(probe),
            "diffusers": diffusers_version,
            "torch": torch_version,
            "model": model_digest(model_path),
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
