"""How much memory a probe's tensors would take, estimated before anything runs.

A probe is data from an untrusted pack, and its sizes are multiplied together: a 2048x2048
probe with a batch of 128 under classifier-free guidance, or a scheduler config with
`num_train_timesteps: 2000000000`, once drove the worker to 9 GB. Validation refuses a probe
whose estimate passes `PROBE_BUDGET_BYTES`; the worker also runs under a memory limit, so a
probe the estimate gets wrong ends as "could not grade: memory limit", not a frozen machine.

The estimate (documented in docs/authoring.md) counts float32 tensors:

* the latent L = batch_size * num_images_per_prompt * 4 * (height/8) * (width/8), or the
  product of `latent_shape`; x2 for the model input under guidance (guidance_scale > 1);
* when the UNet runs, its working set: `UNET_WORKING_SET` latents' worth per model input;
* the stand-in prompt embeddings (B x prompt_length x 768, x2 under guidance);
* when the image is observed, the decoded image (B x 3 x height x width) times
  `VAE_WORKING_SET`;
* for video (`num_frames` > 1, Wan): 16 latent channels over (num_frames - 1) // 4 + 1
  latent frames, one head's attention scores over the video's tokens when the transformer
  runs, and every frame of the decoded video;
* the scheduler's per-train-step tables: `SCHEDULER_TABLES` float64 arrays of
  num_train_timesteps entries, plus `solver_order` copies of the latent for multistep solvers.
"""

from __future__ import annotations

import math

from quizapp.packs.models import MODEL_NONE, Probe
from quizapp.packs.vocabulary import NEEDS_VAE

#: The most a probe's tensors may take, by the estimate above (512 MiB).
PROBE_BUDGET_BYTES = 512 * 1024 * 1024

_FLOAT = 4
_DOUBLE = 8
#: Latent-sized activations the UNet holds at once, per model input (measured on tiny-sd with
#: margin; bigger models are what the worker's memory limit is for).
UNET_WORKING_SET = 64
#: Image-sized activations the VAE decoder holds at once.
VAE_WORKING_SET = 16
#: Arrays of num_train_timesteps entries a scheduler keeps (betas, alphas, cumprod, sigmas...).
SCHEDULER_TABLES = 8
_LATENT_CHANNELS = 4
_VIDEO_CHANNELS = 16
_VAE_FACTOR = 8
_EMBEDDING_DIM = 768
_DEFAULT_TRAIN_STEPS = 1000


def estimate_bytes(probe: Probe) -> int:
    """The estimated bytes of the probe's tensors (see the module docstring)."""
    batch = probe.batch_size * probe.num_images_per_prompt
    guided = 2 if probe.guidance_scale > 1 else 1
    if probe.latent_shape is not None:
        latent = math.prod(probe.latent_shape)
        batch = probe.latent_shape[0]
    else:
        side = (probe.height // _VAE_FACTOR) * (probe.width // _VAE_FACTOR)
        latent = batch * _LATENT_CHANNELS * side
        if probe.num_frames > 1:  # video (Wan): 16 channels, frames compressed by 4
            latent = batch * _VIDEO_CHANNELS * _latent_frames(probe.num_frames) * side
    runs_unet = probe.model != MODEL_NONE and probe.noise_pred == "model"
    floats = latent * 4 + latent * guided * 2
    if runs_unet:
        floats += latent * guided * UNET_WORKING_SET
        floats += batch * guided * probe.prompt_length * _EMBEDDING_DIM
        if probe.num_frames > 1:
            # One head's attention scores over every video token (patch 1x2x2).
            tokens = _latent_frames(probe.num_frames) * side // 4
            floats += tokens * tokens
    if probe.observe in NEEDS_VAE:
        frames = probe.num_frames
        floats += batch * 3 * frames * probe.height * probe.width * VAE_WORKING_SET
    floats += latent * _config_int(probe, "solver_order", 0)
    train_steps = _config_int(probe, "num_train_timesteps", _DEFAULT_TRAIN_STEPS)
    return floats * _FLOAT + train_steps * SCHEDULER_TABLES * _DOUBLE


def _latent_frames(num_frames: int) -> int:
    return (num_frames - 1) // 4 + 1


def budget_problem(probe: Probe) -> str | None:
    """Why the probe is too big to run, or None when it fits the budget."""
    needed = estimate_bytes(probe)
    if needed <= PROBE_BUDGET_BYTES:
        return None
    return (
        f"this probe would need about {_mib(needed)} MiB of tensors; the limit is "
        f"{_mib(PROBE_BUDGET_BYTES)} MiB (make it smaller: height/width, batch, "
        "num_frames, latent_shape, num_train_timesteps)"
    )


def _config_int(probe: Probe, key: str, default: int) -> int:
    value = probe.scheduler_config.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    if isinstance(value, float) and not math.isfinite(value):
        return default
    return max(int(value), 0)


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f}"
