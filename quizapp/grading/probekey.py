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

from quizapp.packs.modelref import ModelNotFound, model_files, resolve_controlnet
from quizapp.packs.models import Probe

_CHUNK = 1 << 20

#: Digest of model `none`.
NO_MODEL = "none"

_digests: dict[tuple[str, tuple[tuple[str, int, int], ...]], str] = {}
#: The last digest computed per folder: what `known_probe_key` answers without any file work.
_latest: dict[str, str] = {}


def model_digest(path: Path | None) -> str:
    """sha256 over the model's own files (`modelref.MODEL_FILES`): names and contents.

    Only the declared model files are read, never the rest of the folder. Memoised by path
    and the files' sizes and mtimes, so a warm call only stats them. Slow on a cold, large
    model: call it off the UI thread.

    Raises:
        ModelNotFound: when a model file is a special file or a link out of the folder.
        OSError: when a model file cannot be read.
    """
    if path is None:
        return NO_MODEL
    root = path.resolve()
    files = model_files(root)
    stamp = tuple((name, p.stat().st_mtime_ns, p.stat().st_size) for name, p in files)
    key = (str(root), stamp)
    cached = _digests.get(key)
    if cached is not None:
        _latest[str(path)] = cached
        return cached
    digest = hashlib.sha256()
    for name, file in files:
        encoded = name.encode("utf-8")
        # Length prefixes keep (name, content) boundaries unambiguous.
        digest.update(len(encoded).to_bytes(8, "big") + encoded)
        digest.update(file.stat().st_size.to_bytes(8, "big"))
        with file.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    _digests[key] = digest.hexdigest()
    _latest[str(path)] = _digests[key]
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
    """sha256 of the canonical probe, the diffusers and torch versions and the model digest
    (with the ControlNet's, for a probe that names one)."""
    digest = model_digest(model_path)
    controlnet = _controlnet_path(probe)
    if controlnet is not None:
        digest += ":" + model_digest(controlnet)
    return _key(probe, digest)


def known_probe_key(probe: Probe, model_path: Path | None) -> str | None:
    """The key, if the model was digested before; None rather than reading any file.

    For the UI thread: it may show a cached reference, but must not hash a model folder.
    """
    digest = NO_MODEL if model_path is None else _latest.get(str(model_path))
    controlnet = _controlnet_path(probe)
    if digest is not None and controlnet is not None:
        extra = _latest.get(str(controlnet.resolve()))
        digest = None if extra is None else f"{digest}:{extra}"
    return None if digest is None else _key(probe, digest)


def _controlnet_path(probe: Probe) -> Path | None:
    if probe.controlnet is None:
        return None
    try:
        return resolve_controlnet(probe.controlnet)
    except ModelNotFound:
        return None  # validation reports it; the worker fails the probe with the reason


def _key(probe: Probe, digest: str) -> str:
    diffusers_version, torch_version = library_versions()
    payload = json.dumps(
        {
            "probe": canonical_probe(probe),
            "diffusers": diffusers_version,
            "torch": torch_version,
            "model": digest,
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
