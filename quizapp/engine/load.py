"""Load model parts and scheduler classes once per engine process.

Loaded networks are cached by folder and subfolder: a warm graded step must cost about what
the raw denoiser call costs, so nothing is loaded twice. Only configs are read when a probe
does not run the networks (filled `noise_pred`), which keeps scheduler-only probes fast.
Which parts a model has, and of which class, is its family's business
(`engine/families/`); this module only loads what it is asked for.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import diffusers
import torch
from diffusers.utils.import_utils import DummyObject

from quizapp.engine.reference.errors import ProbeError
from quizapp.oneline import describe_exception
from quizapp.packs.vocabulary import SCHEDULER_NEEDS

_PARTS: dict[tuple[str, str], Any] = {}


def configure_torch() -> None:
    """One thread, so UNet outputs repeat bit for bit (1 vs 2 threads differ by ~1e-6)."""
    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)


def versions() -> dict[str, str]:
    """The versions that produced a value; part of every trace and of the cache key."""
    return {"torch": str(torch.__version__), "diffusers": str(diffusers.__version__)}


def scheduler_class(name: str) -> Any:
    """The diffusers scheduler class called `name`.

    Raises:
        ProbeError: when diffusers has no such scheduler, or only a placeholder because an
            optional package (scipy, torchsde) is not installed.
    """
    cls = getattr(diffusers, name, None)
    if cls is None or not name.endswith("Scheduler"):
        raise ProbeError(f"diffusers {diffusers.__version__} has no scheduler {name!r}")
    # diffusers exports a placeholder whose every use raises ImportError when a backend is
    # missing; report the missing package instead of that multi-line message.
    if isinstance(cls, DummyObject):
        backends = [b for b in getattr(cls, "_backends", []) if b != "torch"]
        package = SCHEDULER_NEEDS.get(name) or ", ".join(backends)
        if package:
            raise ProbeError(f"{name} needs the {package} package, which quizapp does not install")
    # A deprecated scheduler (KarrasVe, ScoreSdeVp) is a placeholder or the real class
    # depending on which optional packages happen to be installed (transformers, say): the
    # answer must not depend on that, and neither fits the denoising loop.
    if isinstance(cls, DummyObject) or ".deprecated." in getattr(cls, "__module__", ""):
        raise ProbeError(
            f"diffusers {diffusers.__version__} exports {name} only as a placeholder; "
            "it cannot be run"
        )
    return cls


def base_scheduler_config(model_path: Path | None) -> dict[str, Any]:
    """The model's `scheduler/scheduler_config.json`, or {} (class defaults) without one."""
    if model_path is None:
        return {}
    path = model_path / "scheduler" / "scheduler_config.json"
    if not path.is_file():
        return {}
    return dict(_read_json(str(path), path.stat().st_mtime_ns))


@cache
def _read_json(path: str, mtime_ns: int) -> dict[str, Any]:
    # mtime_ns is part of the cache key so that an edited config is read again.
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ProbeError(f"cannot read {path}: {describe_exception(error)}") from error
    if not isinstance(data, dict):
        raise ProbeError(f"cannot read {path}: not a JSON object")
    return data


def load_part(model_path: Path, subfolder: str, cls: Any) -> Any:
    """`cls.from_pretrained(model_path, subfolder=...)` in eval mode, loaded once per process.

    Raises:
        ProbeError: the folder has no such part, or it does not load.
    """
    key = (str(model_path), subfolder)
    if key not in _PARTS:
        _PARTS[key] = _load_part(model_path, subfolder, cls)
    return _PARTS[key]


def pipeline_class(model_path: Path) -> str | None:
    """`model_index.json`'s `_class_name` (e.g. `StableDiffusionPipeline`), or None."""
    path = model_path / "model_index.json"
    if not path.is_file():
        return None
    name = _read_json(str(path), path.stat().st_mtime_ns).get("_class_name")
    return name if isinstance(name, str) else None


def part_config(model_path: Path, subfolder: str) -> dict[str, Any]:
    """The `config.json` of one part (`unet`, `vae`, ...), read without loading weights.

    Raises:
        ProbeError: the folder has no such config, or it is not a JSON object.
    """
    config_path = model_path / subfolder / "config.json"
    if not config_path.is_file():
        raise ProbeError(f"model folder {model_path} has no {subfolder}/config.json")
    return _read_json(str(config_path), config_path.stat().st_mtime_ns)


def _load_part(model_path: Path, subfolder: str, cls: Any) -> Any:
    if not (model_path / subfolder).is_dir():
        raise ProbeError(f"model folder {model_path} has no {subfolder}/ folder")
    try:
        model = _from_folder(cls, model_path / subfolder)
    except Exception as error:  # any loading failure is a probe error, never a crash
        raise ProbeError(
            f"cannot load {subfolder} from {model_path}: {describe_exception(error)}"
        ) from error
    return model.eval()


def _from_folder(cls: Any, folder: Path) -> Any:
    """The model in `folder`, as `from_pretrained` would load it, without accelerate.

    diffusers loads a class with `_keep_in_fp32_modules` (Wan's transformer) only through
    accelerate's low-memory path, and quizapp does not depend on accelerate: such a class is
    built from its config and given its weights, which for float32 weights is the same model.
    The same path is taken whether or not accelerate happens to be installed.
    """
    if not getattr(cls, "_keep_in_fp32_modules", None):
        return cls.from_pretrained(folder, local_files_only=True)
    from safetensors.torch import load_file

    model = cls.from_config(cls.load_config(folder))
    model.load_state_dict(load_file(folder / "diffusion_pytorch_model.safetensors"), strict=True)
    return model
