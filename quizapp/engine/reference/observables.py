"""One small function per observable in `vocabulary.OBSERVABLES`, plus the indexed ones.

Each function reads a `StepRecord` of the observed iteration and returns a plain value:
a shape as list[int], a number as float, a sequence as list[float], a name as str.
An observable the scheduler or the probe does not offer raises a one-line ProbeError.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from quizapp.engine.reference.errors import ProbeError
from quizapp.engine.reference.record import StepRecord
from quizapp.oneline import describe_exception
from quizapp.packs.models import Value
from quizapp.packs.vocabulary import parse_indexed

Observable = Callable[[StepRecord], Value]
IndexedObservable = Callable[[StepRecord, tuple[int, ...]], float]

#: Fixed observables by name; `tests/test_vocabulary_torch.py` checks it covers the vocabulary.
OBSERVABLES: dict[str, Observable] = {}
#: Indexed observables by base name (`prev_sample` for `prev_sample[0,1,2,3]`).
INDEXED: dict[str, IndexedObservable] = {}


def observable(name: str) -> Callable[[Observable], Observable]:
    """Register a fixed observable under its vocabulary name."""

    def register(function: Observable) -> Observable:
        OBSERVABLES[name] = function
        return function

    return register


def indexed(name: str) -> Callable[[IndexedObservable], IndexedObservable]:
    """Register an indexed observable under its base name."""

    def register(function: IndexedObservable) -> IndexedObservable:
        INDEXED[name] = function
        return function

    return register


def observe(record: StepRecord, name: str) -> Value:
    """The value of observable `name` for this loop run.

    Raises:
        ProbeError: when the loop raised (and `name` is not `raises`), or when the
            observable is not offered by this scheduler or probe.
    """
    if name != "raises" and record.error is not None:
        raise ProbeError(
            f"the loop raised {describe_exception(record.error)} "
            "(observe `raises` to ask about the error)"
        )
    function = OBSERVABLES.get(name)
    if function is not None:
        return function(record)
    parsed = parse_indexed(name)
    if parsed is None or parsed[0] not in INDEXED:
        raise ProbeError(f"unknown observable {name!r}")
    return INDEXED[parsed[0]](record, parsed[1])


# --- helpers -------------------------------------------------------------------------------


def _shape_of(tensor: torch.Tensor) -> list[int]:
    return [int(n) for n in tensor.shape]


def _needs_unet(record: StepRecord, name: str) -> None:
    if not record.ran_unet:
        raise ProbeError(f"{name} exists only when the UNet runs (noise_pred: model)")


def _pred_original(record: StepRecord) -> torch.Tensor:
    value = getattr(record.output, "pred_original_sample", None)
    if value is None:
        fields = ", ".join(record.output.keys()) if hasattr(record.output, "keys") else "?"
        raise ProbeError(
            f"{record.scheduler_name}.step returns no pred_original_sample (it returns {fields})"
        )
    return value  # type: ignore[no-any-return]


def _prev_sample(record: StepRecord) -> torch.Tensor:
    value = record.prev_sample
    if value is None:
        raise ProbeError("the loop produced no prev_sample")
    return value  # type: ignore[no-any-return]


def _element(tensor: torch.Tensor, index: tuple[int, ...], name: str) -> float:
    if len(index) != tensor.dim() or any(i >= n for i, n in zip(index, tensor.shape, strict=True)):
        raise ProbeError(f"index {list(index)} is outside {name} of shape {_shape_of(tensor)}")
    return float(tensor[index])


def _floats(values: Any) -> list[float]:
    return [float(v) for v in values]


def _scheduler_attribute(record: StepRecord, attribute: str) -> Any:
    value = getattr(record.scheduler, attribute, None)
    if value is None:
        raise ProbeError(f"{record.scheduler_name} has no {attribute}")
    return value


# --- shapes --------------------------------------------------------------------------------


@observable("latents.shape")
def latents_shape(record: StepRecord) -> list[int]:
    """Shape of x_t entering the observed step."""
    return _shape_of(record.latents)


@observable("latent_model_input.shape")
def latent_model_input_shape(record: StepRecord) -> list[int]:
    """Shape of what went into the UNet: doubled under CFG, after `scale_model_input`."""
    _needs_unet(record, "latent_model_input.shape")
    return _shape_of(record.latent_model_input)


@observable("encoder_hidden_states.shape")
def encoder_hidden_states_shape(record: StepRecord) -> list[int]:
    """Shape of the prompt embeddings given to the UNet: (B or 2B, prompt_length, dim)."""
    _needs_unet(record, "encoder_hidden_states.shape")
    return _shape_of(record.encoder_hidden_states)


@observable("unet_output.shape")
def unet_output_shape(record: StepRecord) -> list[int]:
    """Shape of the UNet's `.sample`, before guidance."""
    _needs_unet(record, "unet_output.shape")
    return _shape_of(record.unet_output)


@observable("noise_pred.shape")
def noise_pred_shape(record: StepRecord) -> list[int]:
    """Shape of the prediction handed to `scheduler.step` (after guidance)."""
    return _shape_of(record.noise_pred)


@observable("prev_sample.shape")
def prev_sample_shape(record: StepRecord) -> list[int]:
    """Shape of `scheduler.step(...).prev_sample`, x_{t-1}."""
    return _shape_of(_prev_sample(record))


@observable("pred_original_sample.shape")
def pred_original_sample_shape(record: StepRecord) -> list[int]:
    """Shape of the step's predicted x_0, where the scheduler returns one."""
    return _shape_of(_pred_original(record))


@observable("image.shape")
def image_shape(record: StepRecord) -> list[int]:
    """Shape of `vae.decode(prev_sample / scaling_factor).sample`: pixels, (B, 3, H, W)."""
    if record.model_path is None or record.family is None:
        raise ProbeError("image.shape needs a model with a VAE (model is `none`)")
    # 5. Decode: only this observable needs the pixels, so the loop leaves it to here.
    image = record.family.decode(record.model_path, _prev_sample(record), record.shape)
    record.trace.append(f"image {tuple(image.shape)} = vae.decode(prev_sample / scaling_factor)")
    return _shape_of(image)


# --- the schedule --------------------------------------------------------------------------


@observable("timesteps")
def timesteps(record: StepRecord) -> list[float]:
    """The whole list of timesteps after `set_timesteps`, as floats."""
    return _floats(_scheduler_attribute(record, "timesteps"))


@observable("sigmas")
def sigmas(record: StepRecord) -> list[float]:
    """The whole list of sigmas (σ-space schedulers; DDIM, DDPM and PNDM have none)."""
    return _floats(_scheduler_attribute(record, "sigmas"))


@observable("num_timesteps")
def num_timesteps(record: StepRecord) -> float:
    """len(timesteps): 2N-1 for Heun, N+1 for PNDM with the SD 1.5 config."""
    return float(len(_scheduler_attribute(record, "timesteps")))


@observable("timestep")
def timestep(record: StepRecord) -> float:
    """The t passed at the observed step."""
    return float(record.timestep)


@observable("sigma")
def sigma(record: StepRecord) -> float:
    """The scheduler's σ at the observed step (`sigmas[step_index]`)."""
    if record.sigma is None:
        raise ProbeError(f"{record.scheduler_name} has no sigmas")
    return float(record.sigma)


@observable("init_noise_sigma")
def init_noise_sigma(record: StepRecord) -> float:
    """The factor random latents are multiplied by (1.0 where the scheduler has none)."""
    return float(record.init_noise_sigma)


@observable("input_scale")
def input_scale(record: StepRecord) -> float:
    """The factor `scale_model_input` applied at the step (1.0 where it is a no-op)."""
    return float(record.input_scale)


@observable("alpha_prod_t")
def alpha_prod_t(record: StepRecord) -> float:
    """alphas_cumprod[int(t)] at the observed step's t."""
    return alphas_cumprod(record, (int(float(record.timestep)),))


@observable("order")
def order(record: StepRecord) -> float:
    """`scheduler.order`: model evaluations per step (2 for Heun and KDPM2)."""
    return float(_scheduler_attribute(record, "order"))


# --- values --------------------------------------------------------------------------------


@observable("prev_sample.mean")
def prev_sample_mean(record: StepRecord) -> float:
    """Mean of x_{t-1}."""
    return float(_prev_sample(record).mean())


@observable("prev_sample.std")
def prev_sample_std(record: StepRecord) -> float:
    """Standard deviation of x_{t-1} (torch's default, unbiased)."""
    return float(_prev_sample(record).std())


@observable("pred_original_sample.mean")
def pred_original_sample_mean(record: StepRecord) -> float:
    """Mean of the step's predicted x_0."""
    return float(_pred_original(record).mean())


@observable("raises")
def raises(record: StepRecord) -> str:
    """The class name of the exception the loop raised, or "none"."""
    return "none" if record.error is None else type(record.error).__name__


@indexed("prev_sample")
def prev_sample_element(record: StepRecord, index: tuple[int, ...]) -> float:
    """One element of x_{t-1}: `prev_sample[b,c,h,w]`."""
    return _element(_prev_sample(record), index, "prev_sample")


@indexed("pred_original_sample")
def pred_original_sample_element(record: StepRecord, index: tuple[int, ...]) -> float:
    """One element of the predicted x_0: `pred_original_sample[b,c,h,w]`."""
    return _element(_pred_original(record), index, "pred_original_sample")


@indexed("alphas_cumprod")
def alphas_cumprod(record: StepRecord, index: tuple[int, ...]) -> float:
    """`scheduler.alphas_cumprod[t]`, the cumulative product of (1 - beta)."""
    table = _scheduler_attribute(record, "alphas_cumprod")
    (t,) = index
    if not 0 <= t < len(table):
        raise ProbeError(f"alphas_cumprod has {len(table)} entries; {t} is outside it")
    return float(table[t])


# --- loops that start part-way, dtypes, guidance -------------------------------------------


def _walked(record: StepRecord) -> Any:
    if record.loop_timesteps is None:
        raise ProbeError("the loop walked no schedule (set_timesteps was skipped)")
    return record.loop_timesteps


@observable("loop_timesteps")
def loop_timesteps(record: StepRecord) -> list[float]:
    """The timesteps the loop walks: all of them, or the tail img2img/denoising_start keep."""
    return _floats(_walked(record))


@observable("num_loop_timesteps")
def num_loop_timesteps(record: StepRecord) -> float:
    """How many timesteps the loop walks (UNet calls without CFG)."""
    return float(len(_walked(record)))


def _dtype_name(tensor: torch.Tensor) -> str:
    return str(tensor.dtype).removeprefix("torch.")


@observable("prev_sample.dtype")
def prev_sample_dtype(record: StepRecord) -> str:
    """The dtype of x_{t-1}, e.g. "float16"."""
    return _dtype_name(_prev_sample(record))


@observable("pred_original_sample.dtype")
def pred_original_sample_dtype(record: StepRecord) -> str:
    """The dtype of the step's predicted x_0."""
    return _dtype_name(_pred_original(record))


@observable("noise_pred.std_ratio")
def noise_pred_std_ratio(record: StepRecord) -> float:
    """std(guided noise_pred) / std(conditional prediction): 1.0 after a full rescale."""
    if record.noise_pred_text is None:
        raise ProbeError("noise_pred.std_ratio needs classifier-free guidance (guidance_scale > 1)")
    return float(record.noise_pred.std() / record.noise_pred_text.std())


# --- the denoiser's inputs across model families --------------------------------------------


def _input(record: StepRecord, name: str) -> Any:
    """The denoiser input `name` the family recorded at the observed step."""
    _needs_unet(record, name)
    value = record.inputs.get(name)
    if value is None:
        family = record.family.name if record.family is not None else "this"
        raise ProbeError(f"the {family} model family's denoiser takes no {name}")
    return value


@observable("denoiser_output.shape")
def denoiser_output_shape(record: StepRecord) -> list[int]:
    """Shape of the denoiser's output (UNet or transformer), before guidance."""
    _needs_unet(record, "denoiser_output.shape")
    return _shape_of(record.unet_output)


@observable("denoiser_timestep")
def denoiser_timestep(record: StepRecord) -> float:
    """The timestep value the denoiser receives: `t` (SD, SDXL, SD3, Wan), `t / 1000` (Flux)."""
    _needs_unet(record, "denoiser_timestep")
    value = record.inputs.get("timestep", record.timestep)
    return float(value.reshape(-1)[0]) if isinstance(value, torch.Tensor) else float(value)


@observable("pooled_projections.shape")
def pooled_projections_shape(record: StepRecord) -> list[int]:
    """SD3's and Flux's pooled text embedding, as the transformer receives it."""
    return _shape_of(_input(record, "pooled_projections"))


@observable("text_embeds.shape")
def text_embeds_shape(record: StepRecord) -> list[int]:
    """SDXL's pooled `text_embeds` in `added_cond_kwargs`."""
    return _shape_of(_input(record, "text_embeds"))


@observable("time_ids")
def time_ids(record: StepRecord) -> list[float]:
    """SDXL's six time ids of the conditional row (the last): original size, crop, target."""
    return _floats(_input(record, "time_ids")[-1])


@observable("img_ids.shape")
def img_ids_shape(record: StepRecord) -> list[int]:
    """Flux's image RoPE ids: one (0, row, col) per packed latent token."""
    return _shape_of(_input(record, "img_ids"))


@observable("txt_ids.shape")
def txt_ids_shape(record: StepRecord) -> list[int]:
    """Flux's text RoPE ids: one row of zeros per T5 token."""
    return _shape_of(_input(record, "txt_ids"))


@observable("guidance")
def guidance(record: StepRecord) -> float:
    """Flux's embedded guidance: the guidance scale the transformer receives."""
    return float(_input(record, "guidance").reshape(-1)[0])


@observable("down_block_res_samples.count")
def down_block_res_samples_count(record: StepRecord) -> float:
    """How many residuals the ControlNet returns for the UNet's skip connections."""
    return float(len(_input(record, "down_block_res_samples")))


@observable("mid_block_res_sample.shape")
def mid_block_res_sample_shape(record: StepRecord) -> list[int]:
    """The ControlNet's residual for the UNet's mid block."""
    return _shape_of(_input(record, "mid_block_res_sample"))


@observable("video.shape")
def video_shape(record: StepRecord) -> list[int]:
    """Shape of the decoded video: (B, 3, F, H, W), as the video VAE returns it."""
    if record.model_path is None or record.family is None:
        raise ProbeError("video.shape needs a model with a VAE (model is `none`)")
    video = record.family.decode(record.model_path, _prev_sample(record), record.shape)
    record.trace.append(f"video {tuple(video.shape)} = vae.decode(prev_sample, un-normalised)")
    return _shape_of(video)
