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


# --- quizapp's loop against the pipeline ----------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {"height": 256, "width": 192, "guidance_scale": 5.0, "num_inference_steps": 3, "step": 2},
        {"height": 128, "width": 128, "guidance_scale": 1.0, "num_inference_steps": 2, "step": 1},
        {
            "height": 128,
            "width": 256,
            "guidance_scale": 7.0,
            "num_inference_steps": 2,
            "step": 0,
            "original_size": [1024, 1024],
            "crops_coords_top_left": [0, 64],
            "target_size": [512, 1024],
            "guidance_rescale": 0.5,
        },
    ],
)
def test_quizapp_matches_the_pipeline(pipe: object, settings: dict[str, object]) -> None:
    from quizapp.packs.models import Probe

    probe = Probe(model="tiny-sdxl", scheduler="EulerDiscreteScheduler", observe="timestep")
    probe = probe.model_copy(update=settings)
    record, conditioning, _ = oracle.quizapp_run(probe, "tiny-sdxl")
    cfg = probe.guidance_scale > 1
    negative, positive = oracle.halves(conditioning.prompt_embeds, cfg)
    pooled_negative, pooled = oracle.halves(conditioning.extra["pooled"], cfg)
    pairs = {
        key: tuple(settings[key]) for key in ("original_size", "target_size") if key in settings
    }
    if "crops_coords_top_left" in settings:
        pairs["crops_coords_top_left"] = tuple(settings["crops_coords_top_left"])
    recording = oracle.run(
        pipe,
        ("unet",),
        prompt_embeds=positive,
        negative_prompt_embeds=negative,
        pooled_prompt_embeds=pooled,
        negative_pooled_prompt_embeds=pooled_negative,
        height=probe.height,
        width=probe.width,
        num_inference_steps=probe.num_inference_steps,
        guidance_scale=probe.guidance_scale,
        guidance_rescale=probe.guidance_rescale,
        generator=oracle.generator(probe.seed),
        output_type="latent",
        **pairs,
    )
    oracle.same_step(record, recording, probe.step)
    unet = recording.calls["unet"][probe.step]
    oracle.close(record.latent_model_input, unet.args["sample"], "latent_model_input")
    oracle.close(record.encoder_hidden_states, unet.args["encoder_hidden_states"], "embeds")
    for name in ("text_embeds", "time_ids"):
        oracle.close(record.inputs[name], unet.args["added_cond_kwargs"][name], name)
    oracle.close(record.unet_output, unet.output[0], "unet output")


def test_num_images_per_prompt_shapes_match_the_pipeline(pipe: object) -> None:
    # quizapp draws one stand-in prompt per image; the pipeline repeats each prompt's
    # embeddings. Values then differ by design: shapes and time ids must not.
    from quizapp.packs.models import Probe

    probe = Probe(
        model="tiny-sdxl",
        scheduler="EulerDiscreteScheduler",
        observe="timestep",
        height=128,
        width=128,
        guidance_scale=5.0,
        num_inference_steps=2,
        batch_size=2,
        num_images_per_prompt=3,
    )
    record, _, _ = oracle.quizapp_run(probe, "tiny-sdxl")
    unet = call(pipe, batch=2, height=128, width=128, num_images_per_prompt=3).first("unet")
    assert record.latent_model_input.shape == unet.args["sample"].shape == (12, 4, 16, 16)
    for name in ("text_embeds", "time_ids"):
        expected = unet.args["added_cond_kwargs"][name]
        assert record.inputs[name].shape == expected.shape, name
    assert record.inputs["time_ids"].equal(unet.args["added_cond_kwargs"]["time_ids"])
