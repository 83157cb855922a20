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
