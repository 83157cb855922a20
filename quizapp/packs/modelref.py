"""Where a probe's `model:` points: nothing, a bundled model, or a diffusers folder on disk."""

from __future__ import annotations

import re
from pathlib import Path

from quizapp import locations
from quizapp.packs.models import MODEL_NONE

_BUNDLED_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ModelNotFound(ValueError):
    """The probe names a model that is neither bundled nor an existing folder."""


def resolve_model(model: str, pack_dir: Path | None = None) -> Path | None:
    """The folder of `model`, or None for `model: none`.

    A bare id (`tiny-sd`) names `content/models/<id>`; anything else is a path, relative to
    the pack file's folder when not absolute.

    Raises:
        ModelNotFound: when no such folder exists.
    """
    if model == MODEL_NONE:
        return None
    bundled = locations.models_dir() / model
    if _BUNDLED_ID.match(model) and bundled.is_dir():
        return bundled
    path = Path(model).expanduser()
    if not path.is_absolute() and pack_dir is not None:
        path = pack_dir / path
    if path.is_dir():
        return path.resolve()
    if _BUNDLED_ID.match(model):
        raise ModelNotFound(f"unknown model {model!r}: not bundled and no such folder")
    raise ModelNotFound(f"model folder {str(path)!r} does not exist")
