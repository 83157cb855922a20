"""A probe's loop: the one loop (`engine/loop.py`) set up from a `Probe`, run to its step.

Random streams, all on CPU generators so values repeat across runs and machines:
- latents and the scheduler's own noise share `Generator("cpu").manual_seed(seed)`, as a
  pipeline shares its `generator` between `prepare_latents` and `scheduler.step`;
- the stand-in prompt embeddings draw from `manual_seed(seed + 1)` (uncond, then cond);
- a `noise_pred: random` stand-in draws from `manual_seed(seed + 2)`, once per iteration;
- img2img (`strength`) draws the image latents, then the noise added to them, from the
  latents' generator, as `prepare_latents` does;
- a family's other stand-ins draw from their own seeds (an inpainting UNet's masked-image
  latents from `manual_seed(seed + 3)`).
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import torch

from quizapp.engine import load
from quizapp.engine.families import family_for
from quizapp.engine.families.base import Family, LatentRequest, PipelineArgs, Shape
from quizapp.engine.guidance import Guidance
from quizapp.engine.loop import Loop, StandIn, number_text
from quizapp.engine.mistakes import NO_MISTAKE, Mistake, mistake_named
from quizapp.engine.reference import part_way
from quizapp.engine.reference.errors import MEMORY_LIMIT, ProbeError, memory_exhausted
from quizapp.engine.reference.record import StepRecord
from quizapp.oneline import describe_exception
from quizapp.packs.modelref import ModelNotFound, resolve_controlnet
from quizapp.packs.models import Fill, Probe

#: The probe's `dtype` names.
DTYPES: dict[str, torch.dtype] = {
    "float32": torch.float32,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
}


def run_loop(probe: Probe, model_path: Path | None) -> StepRecord:
    """Run the probe's loop up to and including iteration `probe.step`.

    An exception raised by diffusers inside the loop is recorded in `StepRecord.error`
    (that is what `observe: raises` reads); problems with the probe itself raise.

    Args:
        probe: The validated probe.
        model_path: The resolved model folder, or None for model `none`.

    Raises:
        ProbeError: the scheduler needs a missing package, the model does not load,
            `step` is past the end of the schedule, or the probe needs a UNet it has not.
    """
    load.configure_torch()
    if model_path is not None and not model_path.is_dir():
        raise ProbeError(f"model folder {model_path} does not exist")
    mistake = mistake_named(probe.mistake)
    scheduler_cls = load.scheduler_class(probe.scheduler)
    base = load.base_scheduler_config(model_path)
    runs_denoiser = probe.noise_pred == "model"
    if runs_denoiser and model_path is None:
        raise ProbeError("model `none` has no UNet: set noise_pred to `random` or {fill: x}")
    family = family_for(model_path, controlnet_path(probe))
    denoiser = family.load(model_path) if runs_denoiser and model_path is not None else None
    shape = latent_shape(probe, family, model_path, mistake)
    if probe.dtype != "float32" and runs_denoiser:
        raise ProbeError(
            f"dtype {probe.dtype} applies to the scheduler's math only: "
            "set noise_pred to `random` or {fill: x}"
        )

    record = StepRecord(
        scheduler_name=probe.scheduler,
        model_path=model_path,
        ran_unet=runs_denoiser,
        family=family,
        shape=shape,
    )
    versions = load.versions()
    record.trace.append(f"diffusers {versions['diffusers']}, torch {versions['torch']}")
    shown = f" ({model_path})" if model_path and model_path.name != probe.model else ""
    record.trace.append(f"model: {probe.model}{shown}")
    if mistake.name != "none":
        record.trace.append(f"mistake: {mistake.name}")
    guidance = Guidance(probe.guidance_scale, probe.guidance_rescale)
    loop = Loop(family, None, guidance, denoiser=denoiser, mistake=mistake)
    with torch.no_grad():
        try:
            _run(probe, loop, scheduler_cls, base, shape, record)
        except ProbeError:
            raise
        except Exception as error:  # the loop's own failure is a probe value (`raises`)
            if memory_exhausted(error):  # ...but running out of memory is not diffusers' doing
                raise ProbeError(MEMORY_LIMIT) from error
            record.error = error
            record.trace.append(f"raised {describe_exception(error)}")
    return record


def latent_shape(
    probe: Probe, family: Family, model_path: Path | None, mistake: Mistake = NO_MISTAKE
) -> Shape:
    """Step 2's shape: `latent_shape`, or the family's for the probe's batch, size, frames."""
    if probe.latent_shape is not None:
        return tuple(probe.latent_shape)
    batch = probe.batch_size * probe.num_images_per_prompt
    request = LatentRequest(batch, probe.height, probe.width, probe.num_frames, mistake)
    return family.latent_shape(request, model_path)


def pipeline_args(probe: Probe) -> PipelineArgs:
    """The probe's pipeline-call arguments, as the families read them."""

    def pair(values: list[int] | None) -> tuple[int, int] | None:
        return (values[0], values[1]) if values is not None else None

    return PipelineArgs(
        height=probe.height,
        width=probe.width,
        guidance_scale=probe.guidance_scale,
        true_cfg_scale=probe.true_cfg_scale,
        max_sequence_length=probe.max_sequence_length,
        original_size=pair(probe.original_size),
        crops_coords_top_left=pair(probe.crops_coords_top_left) or (0, 0),
        target_size=pair(probe.target_size),
        controlnet_conditioning_scale=probe.controlnet_conditioning_scale,
    )


def controlnet_path(probe: Probe) -> Path | None:
    """The folder of the probe's `controlnet:` (a bundled id or an absolute folder).

    Raises:
        ProbeError: it names no ControlNet folder.
    """
    if probe.controlnet is None:
        return None
    try:
        return resolve_controlnet(probe.controlnet)
    except ModelNotFound as error:
        raise ProbeError(str(error)) from error


def _run(
    probe: Probe,
    loop: Loop,
    scheduler_cls: Any,
    base: dict[str, Any],
    shape: Shape,
    record: StepRecord,
) -> None:
    # 1. Scheduler from the model's config with the probe's overrides, then its timesteps.
    scheduler = scheduler_cls.from_config({**base, **probe.scheduler_config})
    loop.scheduler = scheduler
    record.scheduler = scheduler
    record.trace.append(_describe_scheduler(scheduler))
    walked = None
    if loop.set_timesteps(probe.num_inference_steps, shape):
        count = len(scheduler.timesteps)
        record.trace.append(f"timesteps ({count}): {_preview(scheduler.timesteps)}")
        walked = part_way.walked_timesteps(scheduler, probe, record.trace)
        record.loop_timesteps = walked
        if probe.step >= len(walked):
            walks = f"the loop walks {len(walked)} of them" if len(walked) < count else ""
            raise ProbeError(
                f"step {probe.step} is past the end: {probe.scheduler} has {count} timesteps "
                f"for num_inference_steps={probe.num_inference_steps}"
                f"{' and ' + walks if walks else ''} (last step {len(walked) - 1})"
            )
    elif part_way.starts_part_way(probe) or probe.denoising_end is not None:
        raise ProbeError("strength, denoising_start and denoising_end need set_timesteps")

    # 2. Latents: seeded noise times init_noise_sigma, or exactly the fill value; img2img
    # noises the given latents to the first walked timestep instead.
    generator = torch.Generator("cpu").manual_seed(probe.seed)
    record.init_noise_sigma = loop.init_noise_sigma()
    if probe.strength is not None and probe.denoising_start is None and walked is not None:
        latents = loop.family.pack(
            part_way.noised_image_latents(scheduler, probe, shape, generator, walked)
        )
        record.trace.append(
            f"img2img: add_noise(image latents, noise, t = {number_text(walked[0])})"
        )
    elif isinstance(probe.latents, Fill):
        latents = loop.family.pack(torch.full(shape, probe.latents.fill, dtype=torch.float32))
    else:
        latents = loop.initial_latents(torch.randn(shape, generator=generator))
    latents = latents.to(DTYPES[probe.dtype])

    # 3. Conditioning and guidance: stand-in prompt embeddings (no text encoder runs) and
    # the family's other inputs; a stand-in prediction when the denoiser does not run.
    if loop.denoiser is not None:
        loop.conditioning = loop.family.conditioning(
            loop.denoiser,
            shape,
            probe.prompt_length,
            loop.guidance.cfg,
            probe.seed,
            pipeline_args(probe),
        )
    else:
        loop.stand_in, loop.stand_in_name = _stand_in(probe)
    loop.step_kwargs = _step_kwargs(scheduler, probe, generator, record)

    # 4. The loop; observables describe iteration `probe.step`.
    loop.run(latents, last=probe.step, timesteps=walked, record=record)

    # 5. Decoding waits for an observable that reads pixels (`StepRecord.family.decode`).


def _stand_in(probe: Probe) -> tuple[StandIn, str]:
    """`noise_pred: {fill: x}` or `random` (from `manual_seed(seed + 2)`), and its name."""
    dtype = DTYPES[probe.dtype]
    fill = probe.noise_pred
    if isinstance(fill, Fill):
        value = fill.fill
        return (
            lambda latents: torch.full(latents.shape, value, dtype=torch.float32).to(dtype),
            f"fill {value:g}",
        )
    generator = torch.Generator("cpu").manual_seed(probe.seed + 2)
    return lambda latents: torch.randn(latents.shape, generator=generator).to(dtype), "random"


def _step_kwargs(
    scheduler: Any, probe: Probe, generator: torch.Generator, record: StepRecord
) -> dict[str, Any]:
    """What the pipeline's `prepare_extra_step_kwargs` passes: only what `step` accepts."""
    taken = _step_parameters(scheduler)
    kwargs: dict[str, Any] = {"generator": generator} if "generator" in taken else {}
    if probe.eta is not None:
        if "eta" in taken:
            kwargs["eta"] = probe.eta
            record.trace.append(f"step(..., eta={probe.eta:g})")
        else:
            # The pipeline drops it silently too; the trace says so.
            record.trace.append(f"eta dropped: {type(scheduler).__name__}.step takes no eta")
    return kwargs


def _step_parameters(scheduler: Any) -> frozenset[str]:
    try:
        return frozenset(inspect.signature(scheduler.step).parameters)
    except (TypeError, ValueError):
        return frozenset()


def _describe_scheduler(scheduler: Any) -> str:
    config = scheduler.config
    keys = ("timestep_spacing", "prediction_type", "beta_schedule", "steps_offset")
    parts = [f"{key}={config[key]}" for key in keys if key in config]
    return f"scheduler: {type(scheduler).__name__} ({', '.join(parts)})"


def _preview(timesteps: Any, head: int = 4) -> str:
    values = [number_text(t) for t in timesteps[:head]]
    more = ", …" if len(timesteps) > head else ""
    return "[" + ", ".join(values) + more + "]"
