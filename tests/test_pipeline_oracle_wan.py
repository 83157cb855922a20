"""WanPipeline, built from tiny-wan, records what Wan's 3-D transformer receives and how
frames map to latent frames. Prompt embeddings (umT5 512 x 4096) are passed in."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import oracle_recorder as oracle

pytestmark = pytest.mark.torch


@pytest.fixture(scope="module")
def pipe() -> object:
    return oracle.pipeline("WanPipeline", "tiny-wan")


def call(pipe: object, **settings: object) -> oracle.Recording:
    settings = {"num_inference_steps": 2, "output_type": "latent", **settings}
    return oracle.run(
        pipe,
        ("transformer",),
        prompt_embeds=oracle.randn(1, 512, 4096, seed=1),
        negative_prompt_embeds=oracle.randn(1, 512, 4096, seed=2),
        generator=oracle.generator(),
        **settings,
    )


@pytest.mark.parametrize(("frames", "latent_frames"), [(1, 1), (5, 2), (9, 3), (17, 5)])
def test_frames_map_to_latent_frames(pipe: object, frames: int, latent_frames: int) -> None:
    recording = call(pipe, num_frames=frames, height=64, width=96)
    args = recording.first("transformer").args
    assert latent_frames == (frames - 1) // 4 + 1
    assert tuple(args["hidden_states"].shape) == (1, 16, latent_frames, 8, 12)
    assert tuple(args["encoder_hidden_states"].shape) == (1, 512, 4096)
    assert tuple(recording.steps[0].prev_sample.shape) == (1, 16, latent_frames, 8, 12)


def test_cfg_is_two_transformer_calls_per_step(pipe: object) -> None:
    recording = call(pipe, num_frames=5, height=32, width=32, guidance_scale=5.0)
    calls = recording.calls["transformer"]
    assert len(calls) == 4  # cond then uncond, at each of 2 steps
    cond, uncond = calls[0], calls[1]
    assert tuple(cond.args["hidden_states"].shape) == (1, 16, 2, 4, 4)
    assert cond.args["timestep"].tolist() == uncond.args["timestep"].tolist() == [999]
    guided = uncond.output[0] + 5.0 * (cond.output[0] - uncond.output[0])
    torch.testing.assert_close(recording.steps[0].model_output, guided, rtol=1e-5, atol=1e-6)


def test_decoded_video_is_frames_by_channels(pipe: object) -> None:
    recording = call(pipe, num_frames=9, height=32, width=48, output_type="pt")
    # The VAE decodes (B, 3, F, H, W); the video processor hands back (B, F, 3, H, W).
    assert tuple(recording.output.frames.shape) == (1, 9, 3, 32, 48)


# --- quizapp's loop against the pipeline ----------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {"num_frames": 9, "height": 64, "width": 64, "guidance_scale": 5.0, "step": 1},
        {"num_frames": 5, "height": 32, "width": 96, "guidance_scale": 1.0, "step": 2},
        {"num_frames": 7, "height": 32, "width": 32, "guidance_scale": 3.0, "step": 0},
    ],
)
def test_quizapp_matches_the_pipeline(pipe: object, settings: dict[str, object]) -> None:
    from quizapp.packs.models import Probe

    probe = Probe(model="tiny-wan", scheduler="UniPCMultistepScheduler", observe="timestep")
    probe = probe.model_copy(update={"num_inference_steps": 3, **settings})
    record, conditioning, _ = oracle.quizapp_run(probe, "tiny-wan")
    negative = conditioning.extra["negative"]
    recording = oracle.run(
        pipe,
        ("transformer",),
        prompt_embeds=conditioning.prompt_embeds,
        negative_prompt_embeds=negative,
        num_frames=probe.num_frames,  # 7 is rounded to 5 by both
        height=probe.height,
        width=probe.width,
        num_inference_steps=probe.num_inference_steps,
        guidance_scale=probe.guidance_scale,
        generator=oracle.generator(probe.seed),
        output_type="latent",
    )
    oracle.same_step(record, recording, probe.step)
    calls_per_step = 2 if negative is not None and probe.guidance_scale > 1 else 1
    call = recording.calls["transformer"][probe.step * calls_per_step]  # the cond call
    oracle.close(record.latent_model_input, call.args["hidden_states"], "latent_model_input")
    oracle.close(record.encoder_hidden_states, call.args["encoder_hidden_states"], "embeds")
    oracle.close(record.inputs["timestep"], call.args["timestep"], "timestep")
    oracle.close(record.unet_output, call.output[0], "transformer output")
