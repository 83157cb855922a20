"""Load model parts and scheduler classes once per worker process.

Loaded networks are cached by folder path: a warm graded step must cost about what the raw
UNet call costs, so nothing is loaded twice. Only configs are read when a probe does not run
the networks (filled `noise_pred`), which keeps scheduler-only probes fast.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import diffusers
import torch
from diffusers import AutoencoderKL, UNet2DConditionModel
from diffusers.utils.import_utils import DummyObject

from quizapp.engine.reference.errors import ProbeError, describe_exception
from quizapp.packs.vocabulary import SCHEDULER_NEEDS

#: Latent downsampling factor when there is no VAE to read it from (model `none`).
DEFAULT_VAE_FACTOR = 8
#: Latent channels when there is no UNet to read them from (model `none`).
DEFAULT_LATENT_CHANNELS = 4

_UNETS: dict[str, Any] = {}
_VAES: dict[str, Any] = {}


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


def unet_config(model_path: Path) -> dict[str, Any]:
    """The UNet's config, read without loading weights."""
    return _part_config(model_path, "unet")


def vae_factor(model_path: Path | None) -> int:
    """`f = 2 ** (len(vae.config.block_out_channels) - 1)`; 8 without a VAE."""
    if model_path is None or not (model_path / "vae").is_dir():
        return DEFAULT_VAE_FACTOR
    config = _part_config(model_path, "vae")
    return int(2 ** (len(config["block_out_channels"]) - 1))


def latent_channels(model_path: Path | None) -> int:
    """`vae.config.latent_channels` (the pipeline's `num_channels_latents`); else the UNet's
    `in_channels`; 4 for model `none`. They differ for a 9-channel inpainting UNet."""
    if model_path is None:
        return DEFAULT_LATENT_CHANNELS
    if (model_path / "vae" / "config.json").is_file():
        return int(_part_config(model_path, "vae")["latent_channels"])
    return int(unet_config(model_path)["in_channels"])


def load_unet(model_path: Path) -> Any:
    """The model's UNet2DConditionModel in eval mode, loaded once per process."""
    key = str(model_path)
    if key not in _UNETS:
        _UNETS[key] = _load_part(model_path, "unet", UNet2DConditionModel)
    return _UNETS[key]


def load_vae(model_path: Path) -> Any:
    """The model's AutoencoderKL in eval mode, loaded once per process."""
    key = str(model_path)
    if key not in _VAES:
        _VAES[key] = _load_part(model_path, "vae", AutoencoderKL)
    return _VAES[key]


def _part_config(model_path: Path, subfolder: str) -> dict[str, Any]:
    config_path = model_path / subfolder / "config.json"
    if not config_path.is_file():
        raise ProbeError(f"model folder {model_path} has no {subfolder}/config.json")
    return _read_json(str(config_path), config_path.stat().st_mtime_ns)


def _load_part(model_path: Path, subfolder: str, cls: Any) -> Any:
    if not (model_path / subfolder).is_dir():
        raise ProbeError(f"model folder {model_path} has no {subfolder}/ folder")
    try:
        model = cls.from_pretrained(model_path, subfolder=subfolder, local_files_only=True)
    except Exception as error:  # any loading failure is a probe error, never a crash
        raise ProbeError(
            f"cannot load {subfolder} from {model_path}: {describe_exception(error)}"
        ) from error
    return model.eval()
