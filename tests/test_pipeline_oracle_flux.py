"""FluxPipeline, built from tiny-flux, records what Flux's transformer receives.

Prompt embeddings are passed in (T5 512 x 4096, pooled CLIP 768: the default
`max_sequence_length` shapes, which the oracle cannot check without the encoders); the
packed latents, RoPE ids, embedded guidance, dynamic-shift sigmas are the pipeline's own.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import oracle_recorder as oracle
from diffusers.pipelines.flux.pipeline_flux import calculate_shift

pytestmark = pytest.mark.torch


@pytest.fixture(scope="module")
def pipe() -> object:
    return oracle.pipeline("FluxPipeline", "tiny-flux")


def call(pipe: object, negative: bool = False, **settings: object) -> oracle.Recording:
    embeds = {
        "prompt_embeds": oracle.randn(1, 512, 4096, seed=1),
        "pooled_prompt_embeds": oracle.randn(1, 768, seed=3),
    }
    if negative:
        embeds["negative_prompt_embeds"] = oracle.randn(1, 512, 4096, seed=2)
        embeds["negative_pooled_prompt_embeds"] = oracle.randn(1, 768, seed=4)
    settings = {"num_inference_steps": 2, "output_type": "latent", **settings}
    return oracle.run(pipe, ("transformer",), generator=oracle.generator(), **embeds, **settings)


@pytest.mark.parametrize(("height", "width", "tokens"), [(1024, 1024, 4096), (512, 768, 1536)])
def test_packed_latents_and_rope_ids(pipe: object, height: int, width: int, tokens: int) -> None:
    recording = call(pipe, height=height, width=width)
    args = recording.first("transformer").args
    assert tuple(args["hidden_states"].shape) == (1, tokens, 64)  # 16 channels x 2 x 2
    assert tuple(args["img_ids"].shape) == (tokens, 3)
    assert tuple(args["txt_ids"].shape) == (512, 3)
    assert not args["txt_ids"].any()
    rows, cols = height // 16, width // 16
    ids = args["img_ids"].reshape(rows, cols, 3)
    assert ids[..., 0].eq(0).all()
    assert ids[..., 1].equal(torch.arange(rows).float()[:, None].expand(rows, cols))
    assert ids[..., 2].equal(torch.arange(cols).float()[None, :].expand(rows, cols))
    # The pipeline's `latents` stay packed through the loop (and in output_type latent).
    assert tuple(recording.steps[0].prev_sample.shape) == (1, tokens, 64)


@pytest.mark.parametrize("guidance_scale", [1.0, 3.5])
def test_guidance_is_embedded_without_a_second_batch(pipe: object, guidance_scale: float) -> None:
    recording = call(pipe, height=64, width=64, guidance_scale=guidance_scale)
    args = recording.first("transformer").args
    assert args["guidance"].tolist() == [guidance_scale]
    assert tuple(args["hidden_states"].shape) == (1, 16, 64)
    assert len(recording.calls["transformer"]) == 2  # one call per step


def test_true_cfg_calls_the_transformer_twice_per_step(pipe: object) -> None:
    recording = call(pipe, negative=True, height=64, width=64, true_cfg_scale=4.0)
    calls = recording.calls["transformer"]
    assert len(calls) == 4  # cond then uncond, at each of 2 steps
    cond, uncond = calls[0], calls[1]
    assert cond.args["hidden_states"].equal(uncond.args["hidden_states"])
    guided = uncond.output[0] + 4.0 * (cond.output[0] - uncond.output[0])
    torch.testing.assert_close(recording.steps[0].model_output, guided, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("height", "width", "steps"), [(1024, 1024, 2), (256, 256, 4)])
def test_timestep_is_sigma_and_sigmas_are_shifted_by_mu(
    pipe: object, height: int, width: int, steps: int
) -> None:
    recording = call(pipe, height=height, width=width, num_inference_steps=steps)
    tokens = (height // 16) * (width // 16)
    mu = calculate_shift(tokens, 256, 4096, 0.5, 1.15)
    plain = np.linspace(1.0, 1 / steps, steps)
    shifted = [math.exp(mu) / (math.exp(mu) + (1 / s - 1)) for s in plain]  # exponential
    assert recording.sigmas is not None and recording.timesteps is not None
    torch.testing.assert_close(
        recording.sigmas[:-1], torch.tensor(shifted, dtype=torch.float32), rtol=1e-5, atol=0
    )
    timestep = recording.first("transformer").args["timestep"]
    assert float(timestep) == pytest.approx(float(recording.timesteps[0]) / 1000, rel=1e-6)


# --- quizapp's loop against the pipeline ----------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {"height": 128, "width": 192, "guidance_scale": 3.5, "num_inference_steps": 3, "step": 2},
        {"height": 256, "width": 256, "guidance_scale": 1.0, "num_inference_steps": 4, "step": 1},
        {"height": 64, "width": 64, "true_cfg_scale": 4.0, "max_sequence_length": 64, "step": 1},
    ],
)
def test_quizapp_matches_the_pipeline(pipe: object, settings: dict[str, object]) -> None:
    from quizapp.packs.models import Probe

    probe = Probe(model="tiny-flux", scheduler="FlowMatchEulerDiscreteScheduler", observe="sigma")
    probe = probe.model_copy(update={"num_inference_steps": 2, **settings})
    record, conditioning, _ = oracle.quizapp_run(probe, "tiny-flux")
    extra = conditioning.extra
    negative = {}
    if extra["negative"] is not None:
        negative = {
            "negative_prompt_embeds": extra["negative"][0],
            "negative_pooled_prompt_embeds": extra["negative"][1],
        }
    recording = oracle.run(
        pipe,
        ("transformer",),
        prompt_embeds=conditioning.prompt_embeds,
        pooled_prompt_embeds=extra["pooled_projections"],
        height=probe.height,
        width=probe.width,
        num_inference_steps=probe.num_inference_steps,
        guidance_scale=probe.guidance_scale,
        true_cfg_scale=probe.true_cfg_scale,
        max_sequence_length=probe.max_sequence_length or 512,
        generator=oracle.generator(probe.seed),
        output_type="latent",
        **negative,
    )
    oracle.same_step(record, recording, probe.step)
    calls_per_step = 2 if negative else 1
    call = recording.calls["transformer"][probe.step * calls_per_step]  # the cond call
    oracle.close(record.latent_model_input, call.args["hidden_states"], "latent_model_input")
    oracle.close(record.encoder_hidden_states, call.args["encoder_hidden_states"], "embeds")
    for name in ("pooled_projections", "img_ids", "txt_ids", "guidance", "timestep"):
        oracle.close(record.inputs[name], call.args[name], name)
    oracle.close(record.unet_output, call.output[0], "transformer output")
    assert recording.sigmas is not None
    oracle.close(record.scheduler.sigmas, recording.sigmas, "sigmas")
