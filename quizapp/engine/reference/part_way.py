"""Loops that start or stop part-way: img2img `strength`, SDXL's denoising_start/_end.

Each function copies what the diffusers 0.42.1 pipelines do (SD img2img's and SDXL
img2img's `get_timesteps`, SDXL's "8.1 Apply denoising_end", `prepare_latents`), so a probe
walks exactly the timesteps the pipeline would.
"""

from __future__ import annotations

from typing import Any

import torch

from quizapp.engine.reference.errors import ProbeError
from quizapp.packs.models import Fill, Probe


def starts_part_way(probe: Probe) -> bool:
    """True when the loop skips the start of the schedule."""
    return probe.strength is not None or probe.denoising_start is not None


def walked_timesteps(scheduler: Any, probe: Probe, trace: list[str]) -> Any:
    """The part of `scheduler.timesteps` the loop walks; sets the begin index as pipelines do.

    Raises:
        ProbeError: denoising_start at or after denoising_end (the pipeline's ValueError).
    """
    start, end = probe.denoising_start, probe.denoising_end
    if start is not None and end is not None and start >= end:
        raise ProbeError(f"denoising_start {start:g} must be below denoising_end {end:g}")
    timesteps = scheduler.timesteps
    order = int(getattr(scheduler, "order", 1))
    if start is not None:
        # SDXL img2img: strength is ignored; keep the timesteps below the cutoff, one more
        # for a second-order scheduler so its pair of evaluations is not cut in half.
        cutoff = _cutoff(scheduler, start)
        count = int((timesteps < cutoff).sum().item())
        if order == 2 and count % 2 == 0:
            count += 1
        begin = len(timesteps) - count
        trace.append(f"denoising_start {start:g}: timesteps below {cutoff}, from index {begin}")
        timesteps = _begin_at(scheduler, begin)
    elif probe.strength is not None:
        n = probe.num_inference_steps
        init_timestep = min(int(n * probe.strength), n)
        t_start = max(n - init_timestep, 0)
        trace.append(f"strength {probe.strength:g}: t_start = {t_start}, {init_timestep} steps")
        timesteps = _begin_at(scheduler, t_start * order)
    if end is not None:
        cutoff = _cutoff(scheduler, end)
        kept = len([t for t in timesteps if t >= cutoff])
        trace.append(f"denoising_end {end:g}: timesteps at or above {cutoff} ({kept})")
        timesteps = timesteps[:kept]
    if len(timesteps) == 0:
        raise ProbeError("the loop walks no timestep (strength or denoising_start too small)")
    return timesteps


def noised_image_latents(
    scheduler: Any,
    probe: Probe,
    shape: tuple[int, ...],
    generator: torch.Generator,
    walked: Any,
) -> torch.Tensor:
    """img2img's starting latents: the image latents noised to the first walked timestep.

    The image latents are `latents` read as x_0: `{fill: x}` exactly, `random` seeded
    unit Gaussian (what an encoded, scaled image roughly is).

    Raises:
        ProbeError: the scheduler can neither `add_noise` nor `scale_noise`.
    """
    if isinstance(probe.latents, Fill):
        image = torch.full(shape, probe.latents.fill, dtype=torch.float32)
    else:
        image = torch.randn(shape, generator=generator)
    noise = torch.randn(shape, generator=generator)
    first = walked[:1].repeat(shape[0])
    if hasattr(scheduler, "add_noise"):
        return scheduler.add_noise(image, noise, first)  # type: ignore[no-any-return]
    if hasattr(scheduler, "scale_noise"):  # flow matching: σ·noise + (1 − σ)·x_0
        return scheduler.scale_noise(image, first, noise)  # type: ignore[no-any-return]
    raise ProbeError(f"{type(scheduler).__name__} has neither add_noise nor scale_noise")


def _cutoff(scheduler: Any, fraction: float) -> int:
    train = int(scheduler.config.num_train_timesteps)
    return round(train - fraction * train)


def _begin_at(scheduler: Any, index: int) -> Any:
    if hasattr(scheduler, "set_begin_index"):
        scheduler.set_begin_index(index)
    return scheduler.timesteps[index:]
