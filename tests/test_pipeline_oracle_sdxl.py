"""StableDiffusionXLPipeline, built from tiny-sdxl, records what SDXL's UNet receives.

The pipeline gets prompt embeddings directly (no text encoder is bundled), so the text
shapes (77 tokens, 768 + 1280 channels, pooled 1280) are the ones passed in; what the
pipeline builds itself — the latents, the CFG batch, the six time ids — is read back.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import oracle_recorder as oracle

pytestmark = pytest.mark.torch


@pytest.fixture(scope="module")
def pipe() -> object:
    return oracle.pipeline("StableDiffusionXLPipeline", "tiny-sdxl")


def call(pipe: object, batch: int = 1, **settings: object) -> oracle.Recording:
    embeds = {
        "prompt_embeds": oracle.randn(batch, 77, 2048, seed=1),
        "negative_prompt_embeds": oracle.randn(batch, 77, 2048, seed=2),
        "pooled_prompt_embeds": oracle.randn(batch, 1280, seed=3),
        "negative_pooled_prompt_embeds": oracle.randn(batch, 1280, seed=4),
    }
    settings = {"num_inference_steps": 2, "output_type": "latent", **settings}
    return oracle.run(pipe, ("unet",), generator=oracle.generator(), **embeds, **settings)


def test_1024_by_768_latents_cfg_batch_and_time_ids(pipe: object) -> None:
    recording = call(pipe, height=1024, width=768)
    unet = recording.first("unet").args
    assert tuple(unet["sample"].shape) == (2, 4, 128, 96)  # CFG: uncond first, then cond
    assert tuple(unet["encoder_hidden_states"].shape) == (2, 77, 2048)
    added = unet["added_cond_kwargs"]
    assert tuple(added["text_embeds"].shape) == (2, 1280)
    # original_size + crops_coords_top_left + target_size, (height, width) pairs.
    assert added["time_ids"].tolist() == [[1024, 768, 0, 0, 1024, 768]] * 2
    assert tuple(recording.steps[0].prev_sample.shape) == (1, 4, 128, 96)


@pytest.mark.parametrize(
    ("settings", "time_ids"),
    [
        ({"original_size": (512, 512)}, [512, 512, 0, 0, 256, 256]),
        ({"crops_coords_top_left": (16, 32)}, [256, 256, 16, 32, 256, 256]),
        ({"target_size": (320, 192)}, [256, 256, 0, 0, 320, 192]),
    ],
)
def test_time_ids_follow_the_size_and_crop_arguments(
    pipe: object, settings: dict[str, object], time_ids: list[int]
) -> None:
    added = call(pipe, height=256, width=256, **settings).first("unet").args["added_cond_kwargs"]
    assert added["time_ids"][1].tolist() == time_ids


def test_guidance_scale_one_does_not_double_the_batch(pipe: object) -> None:
    unet = call(pipe, height=256, width=256, guidance_scale=1.0).first("unet").args
    assert tuple(unet["sample"].shape) == (1, 4, 32, 32)
    assert tuple(unet["added_cond_kwargs"]["time_ids"].shape) == (1, 6)


def test_num_images_per_prompt_repeats_each_prompt(pipe: object) -> None:
    recording = call(pipe, batch=2, height=256, width=256, num_images_per_prompt=3)
    assert tuple(recording.first("unet").args["sample"].shape) == (12, 4, 32, 32)
    assert tuple(recording.steps[0].prev_sample.shape) == (6, 4, 32, 32)


def test_euler_leading_timesteps_and_karras_free_sigmas(pipe: object) -> None:
    recording = call(pipe, height=256, width=256, num_inference_steps=4)
    assert recording.timesteps is not None and recording.sigmas is not None
    assert recording.timesteps.tolist() == [751, 501, 251, 1]  # leading, steps_offset 1
    assert len(recording.sigmas) == 5 and float(recording.sigmas[-1]) == 0.0
