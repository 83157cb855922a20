"""One test per observable: fixed inputs, a tolerance, values from the facts or diffusers."""

from __future__ import annotations

import math
from typing import Any

import pytest

torch = pytest.importorskip("torch")
diffusers = pytest.importorskip("diffusers")

from quizapp import locations
from quizapp.engine.reference.errors import ProbeError
from quizapp.engine.reference.run import run_probe
from quizapp.packs.models import Probe, Value

pytestmark = pytest.mark.torch

SD = {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}
SD15 = {**SD, "steps_offset": 1, "set_alpha_to_one": False, "clip_sample": False}
TINY = "tiny-sd"


def value(**fields: Any) -> Value:
    """Run a probe; model `none` unless it names tiny-sd; filled noise_pred unless given."""
    fields.setdefault("model", "none")
    if fields["model"] == "none":
        fields.setdefault("noise_pred", {"fill": 0.0})
    model = locations.models_dir() / TINY if fields["model"] == TINY else None
    return run_probe(Probe(**fields), model).value


def close(got: Value, expected: float, rel: float = 1e-5, abs_: float = 1e-6) -> bool:
    assert isinstance(got, float)
    return math.isclose(got, expected, rel_tol=rel, abs_tol=abs_)


# --- shapes --------------------------------------------------------------------------------


def test_latents_shape_uses_batch_images_and_vae_factor() -> None:
    got = value(
        model=TINY,
        scheduler="DDIMScheduler",
        batch_size=2,
        num_images_per_prompt=2,
        width=768,
        noise_pred={"fill": 0.0},
        observe="latents.shape",
    )
    assert got == [4, 4, 64, 96]


def test_latents_shape_for_model_none_is_4_channels_f8() -> None:
    assert value(scheduler="DDIMScheduler", height=256, observe="latents.shape") == [1, 4, 32, 64]


CFG_SMALL = {"model": TINY, "scheduler": "DDIMScheduler", "guidance_scale": 7.5}


def test_latent_model_input_shape_is_doubled_under_cfg() -> None:
    assert value(**CFG_SMALL, latent_shape=[1, 4, 8, 8], observe="latent_model_input.shape") == [
        2,
        4,
        8,
        8,
    ]


def test_encoder_hidden_states_shape() -> None:
    got = value(
        **CFG_SMALL,
        latent_shape=[3, 4, 8, 8],
        prompt_length=10,
        observe="encoder_hidden_states.shape",
    )
    assert got == [6, 10, 768]


def test_unet_output_shape_without_cfg_is_the_latent_batch() -> None:
    got = value(
        model=TINY,
        scheduler="DDIMScheduler",
        latent_shape=[1, 4, 9, 9],
        observe="unet_output.shape",
    )
    assert got == [1, 4, 9, 9]


def test_noise_pred_shape_after_guidance() -> None:
    assert value(**CFG_SMALL, latent_shape=[1, 4, 8, 8], observe="noise_pred.shape") == [1, 4, 8, 8]


def test_prev_sample_shape() -> None:
    assert value(scheduler="EulerDiscreteScheduler", observe="prev_sample.shape") == [1, 4, 64, 64]


def test_pred_original_sample_shape() -> None:
    got = value(
        scheduler="DDIMScheduler", latent_shape=[2, 4, 8, 8], observe="pred_original_sample.shape"
    )
    assert got == [2, 4, 8, 8]


def test_image_shape_is_pixels_times_f() -> None:
    got = value(
        model=TINY,
        scheduler="DDIMScheduler",
        latent_shape=[1, 4, 8, 8],
        noise_pred={"fill": 0.0},
        observe="image.shape",
    )
    assert got == [1, 3, 64, 64]


def test_unet_observables_need_the_unet() -> None:
    with pytest.raises(ProbeError, match="only when the UNet runs"):
        value(scheduler="DDIMScheduler", observe="unet_output.shape")


def test_image_needs_a_vae() -> None:
    with pytest.raises(ProbeError, match="needs a model with a VAE"):
        value(scheduler="DDIMScheduler", observe="image.shape")


# --- the schedule --------------------------------------------------------------------------


def test_timesteps_dpm_solver_from_sd15_config() -> None:
    got = value(
        model=TINY,
        scheduler="DPMSolverMultistepScheduler",
        num_inference_steps=10,
        noise_pred={"fill": 0.0},
        observe="timesteps",
    )
    assert got == [999.0, 899.0, 799.0, 699.0, 599.0, 500.0, 400.0, 300.0, 200.0, 100.0]


def test_timesteps_pndm_sd15_has_eleven() -> None:
    got = value(
        scheduler="PNDMScheduler",
        scheduler_config={**SD15, "skip_prk_steps": True},
        num_inference_steps=10,
        observe="timesteps",
    )
    assert isinstance(got, list)
    assert got[:4] == [901.0, 801.0, 801.0, 701.0]
    assert len(got) == 11 and got[-1] == 1.0


def test_sigmas_euler_sd_config() -> None:
    got = value(
        scheduler="EulerDiscreteScheduler",
        scheduler_config=SD,
        num_inference_steps=10,
        observe="sigmas",
    )
    assert isinstance(got, list) and len(got) == 11
    assert math.isclose(got[0], 14.614647, rel_tol=1e-5)
    assert got[-1] == 0.0


def test_sigmas_missing_on_ddim() -> None:
    with pytest.raises(ProbeError, match="DDIMScheduler has no sigmas"):
        value(scheduler="DDIMScheduler", observe="sigmas")


def test_num_timesteps_heun_is_2n_minus_1() -> None:
    assert (
        value(scheduler="HeunDiscreteScheduler", num_inference_steps=4, observe="num_timesteps")
        == 7.0
    )


def test_timestep_sd15_ddim_first_step() -> None:
    assert value(scheduler="DDIMScheduler", scheduler_config=SD15, observe="timestep") == 981.0
    assert (
        value(scheduler="DDIMScheduler", scheduler_config=SD15, step=49, observe="timestep") == 1.0
    )


def test_sigma_euler_at_step() -> None:
    got = value(
        scheduler="EulerDiscreteScheduler",
        scheduler_config=SD,
        num_inference_steps=10,
        step=1,
        observe="sigma",
    )
    scheduler = diffusers.EulerDiscreteScheduler(**SD)
    scheduler.set_timesteps(10)
    assert close(got, float(scheduler.sigmas[1]))


def test_sigma_missing_on_pndm() -> None:
    with pytest.raises(ProbeError, match="PNDMScheduler has no sigmas"):
        value(scheduler="PNDMScheduler", observe="sigma")


def test_init_noise_sigma_euler_leading_offset_1() -> None:
    got = value(
        scheduler="EulerDiscreteScheduler",
        scheduler_config={**SD, "timestep_spacing": "leading", "steps_offset": 1},
        observe="init_noise_sigma",
    )
    assert close(got, 13.1585, rel=1e-4)


def test_init_noise_sigma_is_one_where_missing() -> None:
    assert value(scheduler="FlowMatchEulerDiscreteScheduler", observe="init_noise_sigma") == 1.0
    assert value(scheduler="DDIMScheduler", observe="init_noise_sigma") == 1.0


def test_input_scale_euler_sd_10_steps() -> None:
    got = value(
        scheduler="EulerDiscreteScheduler",
        scheduler_config=SD,
        num_inference_steps=10,
        observe="input_scale",
    )
    assert close(got, 0.068265, rel=1e-4)


def test_input_scale_is_one_where_scale_model_input_is_a_no_op() -> None:
    assert value(scheduler="DDIMScheduler", observe="input_scale") == 1.0
    assert value(scheduler="FlowMatchEulerDiscreteScheduler", observe="input_scale") == 1.0


def test_alpha_prod_t_at_observed_step() -> None:
    got = value(scheduler="DDIMScheduler", scheduler_config=SD15, observe="alpha_prod_t")
    scheduler = diffusers.DDIMScheduler(**SD15)
    assert close(got, float(scheduler.alphas_cumprod[981]))


def test_order() -> None:
    assert value(scheduler="HeunDiscreteScheduler", observe="order") == 2.0
    assert value(scheduler="DPMSolverMultistepScheduler", observe="order") == 1.0


# --- values --------------------------------------------------------------------------------


def test_prev_sample_mean_euler_is_sigma1_minus_sigma0() -> None:
    got = value(
        scheduler="EulerDiscreteScheduler",
        scheduler_config=SD,
        num_inference_steps=10,
        latents={"fill": 0.0},
        noise_pred={"fill": 1.0},
        observe="prev_sample.mean",
    )
    assert close(got, -6.77476, rel=1e-5)


def test_prev_sample_std_matches_diffusers() -> None:
    got = value(
        scheduler="DDIMScheduler",
        scheduler_config=SD15,
        latent_shape=[1, 4, 8, 8],
        noise_pred={"fill": 0.5},
        observe="prev_sample.std",
    )
    scheduler = diffusers.DDIMScheduler(**SD15)
    scheduler.set_timesteps(50)
    latents = torch.randn((1, 4, 8, 8), generator=torch.Generator("cpu").manual_seed(0))
    out = scheduler.step(torch.full((1, 4, 8, 8), 0.5), scheduler.timesteps[0], latents)
    assert close(got, float(out.prev_sample.std()))


DDIM_T500 = {
    "scheduler": "DDIMScheduler",
    "scheduler_config": {**SD, "clip_sample": False},
    "num_inference_steps": 2,  # leading, offset 0: [500, 0]
    "latents": {"fill": 1.0},
    "noise_pred": {"fill": 0.5},
}


def test_pred_original_sample_mean_ddim_t500() -> None:
    assert value(**DDIM_T500, observe="timestep") == 500.0
    assert close(value(**DDIM_T500, observe="pred_original_sample.mean"), 1.09318, rel=1e-5)


def test_pred_original_sample_element_and_clip_sample_trap() -> None:
    assert close(value(**DDIM_T500, observe="pred_original_sample[0,0,0,0]"), 1.09318, rel=1e-5)
    clipped = {**DDIM_T500, "scheduler_config": SD}
    assert value(**clipped, observe="pred_original_sample[0,0,0,0]") == 1.0


def test_pred_original_sample_missing_on_dpm_solver_and_pndm() -> None:
    for scheduler in ("DPMSolverMultistepScheduler", "PNDMScheduler"):
        with pytest.raises(ProbeError, match=f"{scheduler}.step returns no pred_original_sample"):
            value(scheduler=scheduler, observe="pred_original_sample.mean")


def test_prev_sample_element_sd15_ddim_first_step() -> None:
    got = value(
        scheduler="DDIMScheduler",
        scheduler_config=SD15,
        latents={"fill": 1.0},
        noise_pred={"fill": 0.0},
        observe="prev_sample[0,3,63,63]",
    )
    assert close(got, 1.122852, rel=1e-5)


def test_element_outside_the_tensor_is_a_probe_error() -> None:
    with pytest.raises(ProbeError, match="outside prev_sample of shape"):
        value(scheduler="DDIMScheduler", observe="prev_sample[0,4,0,0]")


def test_alphas_cumprod_sd_betas() -> None:
    got = value(scheduler="DDPMScheduler", scheduler_config=SD, observe="alphas_cumprod[500]")
    assert close(got, 0.276332, rel=1e-5)
    linear = value(scheduler="DDPMScheduler", observe="alphas_cumprod[499]")
    assert close(linear, 0.078587, rel=1e-4)
    with pytest.raises(ProbeError, match="outside"):
        value(scheduler="DDPMScheduler", observe="alphas_cumprod[1000]")


def test_raises_none_and_a_class_name() -> None:
    assert value(scheduler="DDIMScheduler", observe="raises") == "none"
    got = value(
        scheduler="DDIMScheduler", scheduler_config={"prediction_type": "flow"}, observe="raises"
    )
    assert got == "ValueError"


def test_other_observables_after_a_raise_are_a_probe_error() -> None:
    with pytest.raises(ProbeError, match="the loop raised ValueError"):
        value(
            scheduler="DDIMScheduler",
            scheduler_config={"prediction_type": "flow"},
            observe="timestep",
        )
