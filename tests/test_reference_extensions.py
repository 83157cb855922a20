"""The probe fields for loops that start part-way, eta, guidance_rescale, dtype, inpainting.

Each test compares the reference loop with diffusers 0.42.1 called directly, or with a
value read from its source (fixed inputs, tolerances like diffusers' scheduler tests).
"""

from __future__ import annotations

import math
from typing import Any

import diffusers
import pytest
import torch
from pydantic import ValidationError

from quizapp import locations
from quizapp.engine.reference.errors import ProbeError
from quizapp.engine.reference.probe_loop import run_loop
from quizapp.engine.reference.run import run_probe
from quizapp.packs.models import Probe, Value

pytestmark = pytest.mark.torch

SD = {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}
SMALL = {"height": 64, "width": 64}


def value(model: str = "tiny-sd", **fields: Any) -> Value:
    path = None if model == "none" else locations.models_dir() / model
    return run_probe(Probe(model=model, **fields), path).value


# --- strength, denoising_start, denoising_end ---------------------------------------------


def test_strength_walks_the_tail_the_img2img_pipeline_keeps() -> None:
    # SD img2img's get_timesteps: init = int(50 * 0.75) = 37, t_start = 13, from 981 - 13·20.
    walked = value(scheduler="DDIMScheduler", strength=0.75, observe="loop_timesteps", **SMALL)
    assert isinstance(walked, list)
    assert len(walked) == 37
    assert walked[0] == 721.0 and walked[-1] == 1.0


def test_strength_sets_the_begin_index_of_a_stateful_scheduler() -> None:
    probe = Probe(
        scheduler="EulerDiscreteScheduler",
        strength=0.3,
        num_inference_steps=10,
        observe="sigma",
        **SMALL,
    )
    record = run_loop(probe, locations.models_dir() / "tiny-sd")
    assert record.scheduler.begin_index == 7
    assert [float(t) for t in record.loop_timesteps] == pytest.approx([222.0, 111.0, 0.0])


def test_strength_noises_the_image_latents_with_add_noise_at_the_first_walked_t() -> None:
    probe = Probe(
        model="none",
        scheduler="DDIMScheduler",
        scheduler_config=SD,
        strength=0.5,
        num_inference_steps=10,
        latents={"fill": 1.0},
        noise_pred={"fill": 0.0},
        latent_shape=[1, 4, 8, 8],
        observe="prev_sample.mean",
    )
    record = run_loop(probe, None)
    scheduler = diffusers.DDIMScheduler(**SD)
    generator = torch.Generator("cpu").manual_seed(0)
    noise = torch.randn((1, 4, 8, 8), generator=generator)
    expected = scheduler.add_noise(torch.ones(1, 4, 8, 8), noise, torch.tensor([400]))
    assert float(record.timestep) == 400.0
    assert torch.allclose(record.latents, expected, rtol=1e-5, atol=1e-6)


def test_denoising_end_and_start_split_the_schedule_at_the_same_cutoff() -> None:
    common = {"scheduler": "EulerDiscreteScheduler", "num_inference_steps": 10, **SMALL}
    base = value(denoising_end=0.8, observe="loop_timesteps", **common)
    refiner = value(denoising_start=0.8, observe="loop_timesteps", **common)
    assert base == pytest.approx([999.0, 888.0, 777.0, 666.0, 555.0, 444.0, 333.0, 222.0])
    assert refiner == pytest.approx([111.0, 0.0])


def test_denoising_start_keeps_an_odd_count_for_a_second_order_scheduler() -> None:
    walked = value(
        scheduler="HeunDiscreteScheduler",
        num_inference_steps=10,
        denoising_start=0.8,
        observe="loop_timesteps",
        **SMALL,
    )
    assert walked == pytest.approx([222.0, 111.0, 111.0, 0.0, 0.0])


def test_denoising_start_after_end_is_a_probe_error() -> None:
    with pytest.raises(ProbeError, match="denoising_start"):
        value(
            scheduler="DDIMScheduler",
            denoising_start=0.8,
            denoising_end=0.5,
            observe="loop_timesteps",
            **SMALL,
        )


def test_num_loop_timesteps_counts_the_walked_part() -> None:
    assert (
        value(scheduler="DDIMScheduler", strength=0.75, observe="num_loop_timesteps", **SMALL)
        == 37.0
    )


# --- eta, guidance_rescale, dtype ----------------------------------------------------------


def _ddim(**fields: Any) -> Value:
    return value(
        model="none",
        scheduler="DDIMScheduler",
        scheduler_config=SD,
        latents={"fill": 0.5},
        noise_pred={"fill": 0.1},
        num_inference_steps=10,
        step=3,
        **fields,
    )


def test_eta_reaches_ddim_step_and_matches_diffusers() -> None:
    scheduler = diffusers.DDIMScheduler(**SD)
    scheduler.set_timesteps(10)
    generator = torch.Generator("cpu").manual_seed(0)
    x = torch.full((1, 4, 64, 64), 0.5)
    for t in scheduler.timesteps[:4]:
        x = scheduler.step(torch.full_like(x, 0.1), t, x, eta=1.0, generator=generator).prev_sample
    got = _ddim(eta=1.0, latent_shape=[1, 4, 64, 64], observe="prev_sample.std")
    assert isinstance(got, float)
    assert math.isclose(got, float(x.std()), rel_tol=1e-5)
    assert _ddim(eta=0.0, latent_shape=[1, 4, 64, 64], observe="prev_sample.std") < 1e-6


def test_eta_is_dropped_where_step_takes_none() -> None:
    probe = Probe(
        model="none",
        scheduler="EulerDiscreteScheduler",
        scheduler_config=SD,
        noise_pred="random",
        eta=1.0,
        num_inference_steps=10,
        observe="prev_sample.mean",
    )
    record = run_loop(probe, None)
    assert record.error is None
    assert any("eta dropped" in line for line in record.trace)


def test_guidance_rescale_one_gives_the_conditional_std() -> None:
    common = {
        "scheduler": "DDIMScheduler",
        "guidance_scale": 7.5,
        "observe": "noise_pred.std_ratio",
        **SMALL,
    }
    assert value(guidance_rescale=1.0, **common) == pytest.approx(1.0, rel=1e-5)
    plain = value(**common)
    assert isinstance(plain, float) and plain > 1.01


def test_std_ratio_without_guidance_is_a_probe_error() -> None:
    with pytest.raises(ProbeError, match="guidance"):
        value(scheduler="DDIMScheduler", observe="noise_pred.std_ratio", **SMALL)


def test_euler_computes_in_float32_and_returns_the_model_dtype() -> None:
    common = {
        "model": "none",
        "scheduler": "EulerDiscreteScheduler",
        "scheduler_config": SD,
        "noise_pred": "random",
        "dtype": "float16",
        "num_inference_steps": 10,
    }
    assert value(observe="prev_sample.dtype", **common) == "float16"
    assert value(observe="pred_original_sample.dtype", **common) == "float32"


def test_ddim_keeps_the_half_dtype_throughout() -> None:
    common = {
        "model": "none",
        "scheduler": "DDIMScheduler",
        "scheduler_config": SD,
        "noise_pred": "random",
        "dtype": "bfloat16",
    }
    assert value(observe="pred_original_sample.dtype", **common) == "bfloat16"


def test_dtype_with_the_unet_is_a_probe_error() -> None:
    with pytest.raises(ProbeError, match="scheduler's math"):
        value(scheduler="DDIMScheduler", dtype="float16", observe="prev_sample.dtype", **SMALL)


def test_probe_fields_are_range_checked() -> None:
    with pytest.raises(ValidationError):
        Probe(scheduler="DDIMScheduler", strength=0.0, observe="timesteps")
    with pytest.raises(ValidationError):
        Probe(scheduler="DDIMScheduler", guidance_rescale=1.5, observe="timesteps")
    with pytest.raises(ValidationError):
        Probe(scheduler="DDIMScheduler", denoising_end=1.0, observe="timesteps")


# --- the 9-channel inpainting model --------------------------------------------------------


def test_inpainting_unet_gets_latents_mask_and_masked_latents() -> None:
    common = {
        "model": "tiny-sd-inpaint",
        "scheduler": "DDIMScheduler",
        "guidance_scale": 7.5,
        **SMALL,
    }
    assert value(observe="latents.shape", **common) == [1, 4, 8, 8]
    assert value(observe="latent_model_input.shape", **common) == [2, 9, 8, 8]
    assert value(observe="unet_output.shape", **common) == [2, 4, 8, 8]
    assert value(observe="prev_sample.shape", **common) == [1, 4, 8, 8]


def test_skipping_the_inpaint_concat_raises_in_the_unet() -> None:
    got = value(
        model="tiny-sd-inpaint",
        scheduler="DDIMScheduler",
        mistake="skip_inpaint_concat",
        observe="raises",
        **SMALL,
    )
    assert got == "RuntimeError"


def test_the_plain_model_is_unaffected_by_skip_inpaint_concat() -> None:
    got = value(scheduler="DDIMScheduler", mistake="skip_inpaint_concat", observe="raises", **SMALL)
    assert got == "none"
