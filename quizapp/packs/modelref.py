"""Where a probe's `model:` points: nothing, a bundled model, or a diffusers folder on disk.

A pack is untrusted input, and `model:` is a path in it. So a path is accepted only when it
is a folder that looks like a diffusers model (it has `model_index.json` or
`unet/config.json`), and only the files quizapp reads from it (`MODEL_FILES`) are ever
opened: `model: ~` or `model: /` is refused at once instead of hashing a whole disk, and a
FIFO, a device or a link leading out of the folder is refused instead of read.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

from quizapp import locations
from quizapp.packs.models import MODEL_NONE

_BUNDLED_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

#: The files of a diffusers model folder the reference worker reads: these, and only these,
#: make up the model's digest. (`from_pretrained` takes safetensors, else the .bin.)
MODEL_FILES: tuple[str, ...] = (
    "model_index.json",
    "scheduler/scheduler_config.json",
    *(
        f"{part}{name}"
        for part in ("unet/", "transformer/", "vae/", "")  # "": a bare model (a ControlNet)
        for name in (
            "config.json",
            "diffusion_pytorch_model.safetensors",
            "diffusion_pytorch_model.bin",
        )
    ),
)
#: A folder with one of these is taken for a diffusers model.
_MARKERS = ("model_index.json", "unet/config.json")


class ModelNotFound(ValueError):
    """The probe names a model that is neither bundled nor a usable model folder."""


def resolve_model(model: str, pack_dir: Path | None = None) -> Path | None:
    """The folder of `model`, or None for `model: none`.

    A bare id (`tiny-sd`) names `content/models/<id>`; anything else is a path, relative to
    the pack file's folder when not absolute. Only metadata is read (no file is opened).

    Raises:
        ModelNotFound: when there is no such folder, or it does not look like a diffusers
            model, or one of its model files is not a regular file inside it.
    """
    if model == MODEL_NONE:
        return None
    bundled = locations.models_dir() / model
    if _BUNDLED_ID.match(model) and _is_dir(bundled):
        return bundled
    try:
        path = Path(model).expanduser()
    except RuntimeError:  # `~nobody`: no such user's home
        raise ModelNotFound(f"model folder {_shown(model)} does not exist") from None
    if not path.is_absolute() and pack_dir is not None:
        path = pack_dir / path
    if not _is_dir(path):
        if _BUNDLED_ID.match(model):
            raise ModelNotFound(f"unknown model {_shown(model)}: not bundled and no such folder")
        raise ModelNotFound(f"model folder {_shown(str(path))} does not exist")
    folder = path.resolve()
    if not any(_lexists(folder / marker) for marker in _MARKERS):
        raise ModelNotFound(
            f"{_shown(str(path))} is not a diffusers model folder (it has neither "
            "model_index.json nor unet/config.json)"
        )
    model_files(folder)  # refuse special files and links out now, not when grading
    return folder


def model_files(folder: Path) -> list[tuple[str, Path]]:
    """The model files present in `folder`, as (relative name, path), in `MODEL_FILES` order.

    Raises:
        ModelNotFound: when one is not a regular file, or is a link leading out of `folder`.
    """
    root = folder.resolve()
    found: list[tuple[str, Path]] = []
    for name in MODEL_FILES:
        path = root / name
        if not _lexists(path):
            continue
        try:
            target = path.resolve(strict=True)
            mode = os.stat(target).st_mode
        except (OSError, RuntimeError):
            raise ModelNotFound(
                f"model file {name} in {_shown(str(root))} cannot be read"
            ) from None
        if not target.is_relative_to(root):
            raise ModelNotFound(
                f"model file {name} in {_shown(str(root))} is a link out of the model folder"
            )
        if not stat.S_ISREG(mode):
            raise ModelNotFound(f"model file {name} in {_shown(str(root))} is not a regular file")
        found.append((name, target))
    return found


def _shown(text: str) -> str:
    """A path for a one-line message: a 5,000-character name must not fill the screen."""
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):  # a name too long, or with a NUL
        return False


def _lexists(path: Path) -> bool:
    try:
        os.lstat(path)
    except (OSError, ValueError):
        return False
    return True


def resolve_controlnet(name: str) -> Path:
    """The folder of a probe's `controlnet:`: a bundled id or an absolute path, holding a
    bare `ControlNetModel` (config.json with that `_class_name`, and its weights).

    Not relative to the pack, unlike `model:`: the reference worker resolves it, and it
    does not know the pack's folder.

    Raises:
        ModelNotFound: there is no such folder, or it holds no ControlNet.
    """
    bundled = locations.models_dir() / name
    path = bundled if _BUNDLED_ID.match(name) and _is_dir(bundled) else Path(name).expanduser()
    if not path.is_absolute():
        raise ModelNotFound(f"controlnet {_shown(name)}: not a bundled model nor an absolute path")
    if not _is_dir(path):
        raise ModelNotFound(f"controlnet {_shown(name)}: no such bundled model or folder")
    folder = path.resolve()
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        config = None
    if not isinstance(config, dict) or config.get("_class_name") != "ControlNetModel":
        raise ModelNotFound(
            f"controlnet {_shown(name)} is not a ControlNet folder (its config.json does not "
            "name ControlNetModel)"
        )
    model_files(folder)  # refuse special files and links out now, not when grading
    return folder


def pipeline_of(folder: Path | None) -> str | None:
    """The `_class_name` of the folder's model_index.json (the pipeline it is for), or None
    (model `none`, a bare UNet folder, or an unreadable index)."""
    if folder is None:
        return None
    try:
        index = json.loads((folder / "model_index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    name = index.get("_class_name") if isinstance(index, dict) else None
    return name if isinstance(name, str) else None
