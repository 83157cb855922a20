"""Each model family's mistake bends the loop the way the mistake's name says."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

from quizapp import locations
from quizapp.engine.reference.run import run_probe
from quizapp.packs.models import Probe, Value

pytestmark = pytest.mark.torch

FLOW = "FlowMatchEulerDiscreteScheduler"


def value(model: str, **fields: object) -> Value:
    probe = Probe.model_validate({"model": model, "num_inference_steps": 4, **fields})
    return run_probe(probe, locations.models_dir() / model).value


def test_sdxl_time_ids_width_first() -> None:
    fields = {"scheduler": "EulerDiscreteScheduler", "height": 128, "width": 96}
    fields |= {"observe": "time_ids", "crops_coords_top_left": [8, 16]}
    assert value("tiny-sdxl", **fields) == [128, 96, 8, 16, 128, 96]
    wrong = value("tiny-sdxl", mistake="time_ids_width_first", **fields)
    assert wrong == [96, 128, 16, 8, 96, 128]


@pytest.mark.parametrize("model", ["tiny-sd3", "tiny-flux"])
def test_no_shift_leaves_flow_sigmas_unshifted(model: str) -> None:
    fields = {"scheduler": FLOW, "height": 64, "width": 64, "noise_pred": {"fill": 0.0}}
    shifted = value(model, observe="sigmas", **fields)
    plain = value(model, observe="sigmas", mistake="no_shift", **fields)
    assert isinstance(shifted, list) and isinstance(plain, list)
    if model == "tiny-flux":  # mu = 0: the pipeline's linspace(1, 1/N, N) as it is
        np.testing.assert_allclose(plain[:-1], np.linspace(1.0, 1 / 4, 4), rtol=1e-6)
    else:  # shift 1: N points from 1 to the smallest training sigma, not shifted again
        np.testing.assert_allclose(plain[:-1], np.linspace(1.0, plain[-2], 4), rtol=1e-5)
    assert all(s > p for s, p in zip(shifted[1:-1], plain[1:-1], strict=True))


def test_flux_unpacked_latents_keep_four_dims_and_the_transformer_refuses_them() -> None:
    fields = {"scheduler": FLOW, "height": 64, "width": 64, "mistake": "unpacked_latents"}
    assert value("tiny-flux", observe="latents.shape", noise_pred={"fill": 0.0}, **fields) == [
        1,
        16,
        8,
        8,
    ]
    assert value("tiny-flux", observe="raises", **fields) == "RuntimeError"
    packed = {**fields, "mistake": "none", "noise_pred": {"fill": 0.0}}
    assert value("tiny-flux", observe="latents.shape", **packed) == [1, 16, 64]


def test_wan_frames_as_latent_frames() -> None:
    fields = {"scheduler": "UniPCMultistepScheduler", "height": 64, "width": 64}
    fields |= {"num_frames": 17, "noise_pred": {"fill": 0.0}, "observe": "latents.shape"}
    assert value("tiny-wan", **fields) == [1, 16, 5, 8, 8]
    assert value("tiny-wan", mistake="frames_as_latent_frames", **fields) == [1, 16, 17, 8, 8]


def test_unscaled_controlnet_residuals_act_as_scale_one() -> None:
    fields = {"scheduler": "DDIMScheduler", "height": 64, "width": 64, "guidance_scale": 5.0}
    fields |= {"controlnet": "tiny-controlnet", "observe": "prev_sample.mean"}
    half = value("tiny-sd", controlnet_conditioning_scale=0.5, **fields)
    full = value("tiny-sd", controlnet_conditioning_scale=1.0, **fields)
    wrong = value(
        "tiny-sd",
        controlnet_conditioning_scale=0.5,
        mistake="unscaled_controlnet_residuals",
        **fields,
    )
    assert wrong == full != half


def test_packed_and_video_latents_are_indexed_by_their_own_rank() -> None:
    # Latents all 2 and a velocity of all 1: the Euler step moves each by sigma_1 - sigma_0.
    flux = {"scheduler": FLOW, "height": 64, "width": 64, "noise_pred": {"fill": 1.0}}
    flux |= {"latents": {"fill": 2.0}}
    sigmas = value("tiny-flux", observe="sigmas", **flux)
    assert isinstance(sigmas, list)
    element = value("tiny-flux", observe="prev_sample[0,15,63]", **flux)
    assert element == pytest.approx(2.0 + sigmas[1] - sigmas[0], rel=1e-6)
    # A zero velocity leaves flow latents where they are: x0 = x_t.
    wan = {"scheduler": "UniPCMultistepScheduler", "height": 32, "width": 32, "num_frames": 5}
    wan |= {"latents": {"fill": 2.0}, "noise_pred": {"fill": 0.0}}
    assert value("tiny-wan", observe="prev_sample[0,15,1,3,3]", **wan) == pytest.approx(2.0)
