"""The reference loop, exactly as docs/authoring.md's five steps (comments number them).

Random streams, all on CPU generators so values repeat across runs and machines:
- latents and the scheduler's own noise share `Generator("cpu").manual_seed(seed)`, as a
  pipeline shares its `generator` between `prepare_latents` and `scheduler.step`;
- the stand-in prompt embeddings draw from `manual_seed(seed + 1)` (uncond, then cond);
- a `noise_pred: random` stand-in draws from `manual_seed(seed + 2)`, once per iteration;
- img2img (`strength`) draws the image latents, then the noise added to them, from the
  latents' generator, as `prepare_latents` does;
- a 9-channel inpainting UNet gets a mask of ones (repaint everything) and masked-image
  latents drawn from `manual_seed(seed + 3)`.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import torch
from diffusers.guiders.guider_utils import rescale_noise_cfg

from quizapp.engine.reference import inpainting, load, part_way
from quizapp.engine.reference.errors import (
    MEMORY_LIMIT,
    ProbeError,
    describe_exception,
    memory_exhausted,
)
from quizapp.engine.reference.mistakes import LoopPolicy, policy_for
from quizapp.engine.reference.record import StepRecord
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
    policy = policy_for(probe.mistake)
    scheduler_cls = load.scheduler_class(probe.scheduler)
    base = load.base_scheduler_config(model_path)
    runs_unet = probe.noise_pred == "model"
    if runs_unet and model_path is None:
        raise ProbeError("model `none` has no UNet: set noise_pred to `random` or {fill: x}")
    unet = load.load_unet(model_path) if runs_unet and model_path is not None else None
    shape = latent_shape(probe, model_path)
    if probe.dtype != "float32" and runs_unet:
        raise ProbeError(
            f"dtype {probe.dtype} applies to the scheduler's math only: "
            "set noise_pred to `random` or {fill: x}"
        )

    record = StepRecord(scheduler_name=probe.scheduler, model_path=model_path, ran_unet=runs_unet)
    versions = load.versions()
    record.trace.append(f"diffusers {versions['diffusers']}, torch {versions['torch']}")
    shown = f" ({model_path})" if model_path and model_path.name != probe.model else ""
    record.trace.append(f"model: {probe.model}{shown}")
    if policy.name != "none":
        record.trace.append(f"mistake: {policy.name}")
    with torch.no_grad():
        try:
            _run(probe, policy, scheduler_cls, base, unet, shape, record)
        except ProbeError:
            raise
        except Exception as error:  # the loop's own failure is a probe value (`raises`)
            if memory_exhausted(error):  # ...but running out of memory is not diffusers' doing
                raise ProbeError(MEMORY_LIMIT) from error
            record.error = error
            record.trace.append(f"raised {describe_exception(error)}")
    return record


def latent_shape(probe: Probe, model_path: Path | None) -> tuple[int, int, int, int]:
    """Step 2's shape: `latent_shape`, or (B * images, in_channels, height // f, width // f)."""
    if probe.latent_shape is not None:
        b, c, h, w = probe.latent_shape
        return (b, c, h, w)
    f = load.vae_factor(model_path)
    batch = probe.batch_size * probe.num_images_per_prompt
    return (batch, load.latent_channels(model_path), probe.height // f, probe.width // f)


def _run(
    probe: Probe,
    policy: LoopPolicy,
    scheduler_cls: Any,
    base: dict[str, Any],
    unet: Any,
    shape: tuple[int, int, int, int],
    record: StepRecord,
) -> None:
    # 1. Scheduler from the model's config with the probe's overrides, then its timesteps.
    scheduler = scheduler_cls.from_config({**base, **probe.scheduler_config})
    record.scheduler = scheduler
    record.trace.append(_describe_scheduler(scheduler))
    walked = None
    if policy.set_timesteps:
        scheduler.set_timesteps(probe.num_inference_steps)
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
    init_sigma = getattr(scheduler, "init_noise_sigma", None)
    record.init_noise_sigma = 1.0 if init_sigma is None else float(init_sigma)
    if probe.strength is not None and probe.denoising_start is None and walked is not None:
        latents = part_way.noised_image_latents(scheduler, probe, shape, generator, walked)
        record.trace.append(f"img2img: add_noise(image latents, noise, t = {_number(walked[0])})")
    elif isinstance(probe.latents, Fill):
        latents = torch.full(shape, probe.latents.fill, dtype=torch.float32)
    else:
        latents = torch.randn(shape, generator=generator) * record.init_noise_sigma
    latents = latents.to(DTYPES[probe.dtype])

    # 3. Classifier-free guidance with stand-in prompt embeddings (no text encoder runs).
    cfg = probe.guidance_scale > 1
    embeddings = None
    if unet is not None:
        embeddings = _stand_in_embeddings(probe, shape[0], unet, cfg)
    noise_generator = torch.Generator("cpu").manual_seed(probe.seed + 2)
    step_kwargs = _step_kwargs(scheduler, probe, generator, record)
    inpaint = None
    if unet is not None:
        inpaint = inpainting.condition(unet, shape, cfg, probe.seed)

    # 4. The loop; observables describe iteration `probe.step`.
    for i in range(probe.step + 1):
        observed = i == probe.step
        t = policy.timestep(scheduler, i, walked)
        if observed:
            record.latents, record.timestep = latents, t
            record.trace.append(f"step {i}: t = {_number(t)}")
            record.trace.append(f"latents {_shape(latents)}")
        model_input = torch.cat([latents] * 2) if cfg and policy.concat_latents else latents
        if policy.scale_model_input and hasattr(scheduler, "scale_model_input"):
            scaled = scheduler.scale_model_input(model_input, t)
            scale = _scale_factor(scheduler, model_input, t) if observed else 1.0
        else:
            scaled, scale = model_input, 1.0
        if inpaint is not None and policy.inpaint_concat:
            scaled = torch.cat([scaled, *inpaint], dim=1)
        if observed:
            record.sigma = _current_sigma(scheduler, i)
            record.input_scale = scale
            record.latent_model_input = scaled
            if not policy.scale_model_input:
                record.trace.append("scale_model_input skipped")
            elif hasattr(scheduler, "scale_model_input"):
                record.trace.append(f"scale_model_input ×{scale:.6g}")
        if unet is not None:
            noise_pred = _predict(unet, scaled, t, embeddings, probe, cfg, record, observed)
        else:
            noise_pred = _stand_in_noise(probe, latents, noise_generator)
        if observed:
            record.noise_pred = noise_pred
            record.trace.append(f"noise_pred {_shape(noise_pred)}" + _guidance_note(probe, cfg))
        for _ in range(policy.steps_per_iteration):
            output = scheduler.step(noise_pred, t, latents, **step_kwargs)
            latents = output.prev_sample
        if observed:
            record.output = output
            record.trace.append(f"prev_sample {_shape(latents)}")


def _predict(
    unet: Any,
    scaled: torch.Tensor,
    t: Any,
    embeddings: torch.Tensor | None,
    probe: Probe,
    cfg: bool,
    record: StepRecord,
    observed: bool,
) -> torch.Tensor:
    if observed:
        record.encoder_hidden_states = embeddings
        record.trace.append(f"latent_model_input {_shape(scaled)}")
        record.trace.append(f"encoder_hidden_states {_shape(embeddings)}")
    unet_output = unet(scaled, t, encoder_hidden_states=embeddings).sample
    if observed:
        record.unet_output = unet_output
        record.trace.append(f"unet_output {_shape(unet_output)}")
    if not cfg:
        return unet_output  # type: ignore[no-any-return]
    uncond, cond = unet_output.chunk(2)
    guided = uncond + probe.guidance_scale * (cond - uncond)
    if observed:
        record.noise_pred_text = cond
    if probe.guidance_rescale > 0:
        # diffusers' own function, so the reference is what the pipeline computes.
        guided = rescale_noise_cfg(  # type: ignore[no-untyped-call]
            guided, cond, guidance_rescale=probe.guidance_rescale
        )
        if observed:
            record.trace.append(f"rescale_noise_cfg(guidance_rescale={probe.guidance_rescale:g})")
    return guided  # type: ignore[no-any-return]


def _stand_in_embeddings(probe: Probe, batch: int, unet: Any, cfg: bool) -> torch.Tensor:
    generator = torch.Generator("cpu").manual_seed(probe.seed + 1)
    shape = (batch, probe.prompt_length, int(unet.config.cross_attention_dim))
    uncond = torch.randn(shape, generator=generator)
    cond = torch.randn(shape, generator=generator)
    # The pipeline's order: the unconditional half first.
    return torch.cat([uncond, cond]) if cfg else cond


def _stand_in_noise(probe: Probe, latents: torch.Tensor, generator: torch.Generator) -> Any:
    if isinstance(probe.noise_pred, Fill):
        noise = torch.full(latents.shape, probe.noise_pred.fill, dtype=torch.float32)
    else:
        noise = torch.randn(latents.shape, generator=generator)
    return noise.to(DTYPES[probe.dtype])


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


def _scale_factor(scheduler: Any, model_input: torch.Tensor, t: Any) -> float:
    # scale_model_input is idempotent in diffusers (it only initialises step_index), so a
    # second call on ones reads the factor exactly, even when the latents are all zero.
    ones = torch.ones_like(model_input)
    return float(scheduler.scale_model_input(ones, t).mean())


def _current_sigma(scheduler: Any, i: int) -> float | None:
    sigmas = getattr(scheduler, "sigmas", None)
    if not isinstance(sigmas, torch.Tensor):
        return None
    index = getattr(scheduler, "step_index", None)
    if index is None:  # not initialised before the first step: count from the begin index
        index = i + int(getattr(scheduler, "begin_index", None) or 0)
    return float(sigmas[index]) if index < len(sigmas) else None


def _describe_scheduler(scheduler: Any) -> str:
    config = scheduler.config
    keys = ("timestep_spacing", "prediction_type", "beta_schedule", "steps_offset")
    parts = [f"{key}={config[key]}" for key in keys if key in config]
    return f"scheduler: {type(scheduler).__name__} ({', '.join(parts)})"


def _guidance_note(probe: Probe, cfg: bool) -> str:
    if probe.noise_pred != "model":
        return f" (stand-in: {_stand_in_name(probe)})"
    if cfg:
        return f" = uncond + {probe.guidance_scale:g}·(cond − uncond)"
    return ""


def _stand_in_name(probe: Probe) -> str:
    return f"fill {probe.noise_pred.fill:g}" if isinstance(probe.noise_pred, Fill) else "random"


def _shape(tensor: Any) -> str:
    return str(tuple(tensor.shape)) if tensor is not None else "none"


def _number(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def _preview(timesteps: Any, head: int = 4) -> str:
    values = [_number(t) for t in timesteps[:head]]
    more = ", …" if len(timesteps) > head else ""
    return "[" + ", ".join(values) + more + "]"
