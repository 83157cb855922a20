"""StableDiffusion3Pipeline, built from tiny-sd3, records what SD3's MMDiT receives.

Prompt embeddings are passed in (77 CLIP + 256 T5 tokens = 333, 4096 wide; pooled 2048:
the shapes SD3's three encoders produce at the default `max_sequence_length`, which the
oracle cannot check without them); the latents, the CFG batch, the timesteps and the
flow-matching step are the pipeline's own.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import oracle_recorder as oracle

pytestmark = pytest.mark.torch


@pytest.fixture(scope="module")
def pipe() -> object:
    return oracle.pipeline("StableDiffusion3Pipeline", "tiny-sd3")


def call(pipe: object, **settings: object) -> oracle.Recording:
    embeds = {
        "prompt_embeds": oracle.randn(1, 333, 4096, seed=1),
        "negative_prompt_embeds": oracle.randn(1, 333, 4096, seed=2),
        "pooled_prompt_embeds": oracle.randn(1, 2048, seed=3),
        "negative_pooled_prompt_embeds": oracle.randn(1, 2048, seed=4),
    }
    settings = {"num_inference_steps": 2, "output_type": "latent", **settings}
    return oracle.run(pipe, ("transformer",), generator=oracle.generator(), **embeds, **settings)


def test_default_1024_latents_tokens_and_cfg_batch(pipe: object) -> None:
    recording = call(pipe)
    args = recording.first("transformer").args
    assert tuple(args["hidden_states"].shape) == (2, 16, 128, 128)  # (128 / 2)² = 4096 tokens
    assert tuple(args["encoder_hidden_states"].shape) == (2, 333, 4096)
    assert tuple(args["pooled_projections"].shape) == (2, 2048)
    # The transformer gets the scheduler's timestep, sigma x 1000, once per batch row.
    assert args["timestep"].tolist() == [1000.0, 1000.0]


@pytest.mark.parametrize("steps", [2, 5, 28])
def test_shifted_sigmas_and_timesteps(pipe: object, steps: int) -> None:
    recording = call(pipe, height=64, width=64, num_inference_steps=steps)
    assert recording.timesteps is not None and recording.sigmas is not None

    def shift(sigma: torch.Tensor) -> torch.Tensor:  # shift 3.0, from the scheduler config
        return 3.0 * sigma / (1 + (3.0 - 1) * sigma)

    # diffusers spaces N points from 1 to the smallest *training* sigma, which is already
    # shifted (1/1000 -> 0.002994), then shifts them all: that end is shifted twice.
    plain = torch.linspace(1.0, float(shift(torch.tensor(1 / 1000))), steps, dtype=torch.float64)
    shifted = shift(plain).float()
    torch.testing.assert_close(recording.sigmas[:-1], shifted, rtol=1e-5, atol=0)
    torch.testing.assert_close(recording.timesteps, shifted * 1000, rtol=1e-5, atol=0)
    assert float(recording.sigmas[-1]) == 0.0


def test_the_step_is_an_euler_step_on_the_velocity(pipe: object) -> None:
    recording = call(pipe, height=64, width=64, num_inference_steps=3)
    sigmas = recording.sigmas
    assert sigmas is not None
    for i, step in enumerate(recording.steps):
        expected = step.sample + (sigmas[i + 1] - sigmas[i]) * step.model_output
        torch.testing.assert_close(step.prev_sample, expected, rtol=1e-5, atol=1e-6)


def test_guidance_scale_one_calls_the_transformer_on_the_batch_alone(pipe: object) -> None:
    args = call(pipe, height=64, width=64, guidance_scale=1.0).first("transformer").args
    assert tuple(args["hidden_states"].shape) == (1, 16, 8, 8)


# --- quizapp's loop against the pipeline ----------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {"height": 128, "width": 128, "guidance_scale": 7.0, "num_inference_steps": 3, "step": 2},
        {"height": 64, "width": 128, "guidance_scale": 1.0, "num_inference_steps": 4, "step": 1},
        {"height": 64, "width": 64, "guidance_scale": 4.5, "max_sequence_length": 32, "step": 0},
    ],
)
def test_quizapp_matches_the_pipeline(pipe: object, settings: dict[str, object]) -> None:
    from quizapp.packs.models import Probe

    probe = Probe(model="tiny-sd3", scheduler="FlowMatchEulerDiscreteScheduler", observe="sigma")
    probe = probe.model_copy(update={"num_inference_steps": 2, **settings})
    record, conditioning, _ = oracle.quizapp_run(probe, "tiny-sd3")
    cfg = probe.guidance_scale > 1
    negative, positive = oracle.halves(conditioning.prompt_embeds, cfg)
    pooled_negative, pooled = oracle.halves(conditioning.extra["pooled_projections"], cfg)
    recording = oracle.run(
        pipe,
        ("transformer",),
        prompt_embeds=positive,
        negative_prompt_embeds=negative,
        pooled_prompt_embeds=pooled,
        negative_pooled_prompt_embeds=pooled_negative,
        height=probe.height,
        width=probe.width,
        num_inference_steps=probe.num_inference_steps,
        guidance_scale=probe.guidance_scale,
        generator=oracle.generator(probe.seed),
        output_type="latent",
    )
    oracle.same_step(record, recording, probe.step)
    call = recording.calls["transformer"][probe.step]
    oracle.close(record.latent_model_input, call.args["hidden_states"], "latent_model_input")
    oracle.close(record.encoder_hidden_states, call.args["encoder_hidden_states"], "embeds")
    oracle.close(record.inputs["pooled_projections"], call.args["pooled_projections"], "pooled")
    oracle.close(record.inputs["timestep"], call.args["timestep"], "timestep")
    oracle.close(record.unet_output, call.output[0], "transformer output")
    assert recording.sigmas is not None
    oracle.close(record.scheduler.sigmas, recording.sigmas, "sigmas")
