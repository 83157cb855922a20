"""StableDiffusionControlNetPipeline, built from tiny-sd and tiny-controlnet, records the
ControlNet's residuals and what the UNet receives of them."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import diffusers
import oracle_recorder as oracle

pytestmark = pytest.mark.torch


@pytest.fixture(scope="module")
def pipe() -> object:
    controlnet = diffusers.ControlNetModel.from_pretrained(str(oracle.MODELS / "tiny-controlnet"))
    return oracle.pipeline(
        "StableDiffusionControlNetPipeline",
        "tiny-sd",
        controlnet=controlnet,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )


def call(pipe: object, side: int = 128, **settings: object) -> oracle.Recording:
    image = torch.rand((1, 3, side, side), generator=oracle.generator(5))
    settings = {"num_inference_steps": 2, "output_type": "latent", **settings}
    return oracle.run(
        pipe,
        ("controlnet", "unet"),
        prompt_embeds=oracle.randn(1, 77, 768, seed=1),
        negative_prompt_embeds=oracle.randn(1, 77, 768, seed=2),
        image=image,
        height=side,
        width=side,
        generator=oracle.generator(),
        **settings,
    )


def test_one_residual_per_down_block_output_and_one_for_the_mid_block(pipe: object) -> None:
    recording = call(pipe, side=512)
    down, mid = recording.first("controlnet").output
    # conv_in, the first block's resnet and downsampler, the second block's resnet.
    assert [tuple(r.shape) for r in down] == [
        (2, 32, 64, 64),
        (2, 32, 64, 64),
        (2, 32, 32, 32),
        (2, 64, 32, 32),
    ]
    assert tuple(mid.shape) == (2, 64, 32, 32)
    # The control image is in pixel space, batched like the latents (CFG: twice).
    assert tuple(recording.first("controlnet").args["controlnet_cond"].shape) == (2, 3, 512, 512)


@pytest.mark.parametrize("scale", [0.0, 0.5, 1.0, 1.7])
def test_the_unet_gets_the_residuals_times_the_conditioning_scale(
    pipe: object, scale: float
) -> None:
    scaled = call(pipe, controlnet_conditioning_scale=scale)
    plain = call(pipe, controlnet_conditioning_scale=1.0)
    # diffusers multiplies inside ControlNetModel.forward (`conditioning_scale`); the UNet
    # adds what it returns to its skip connections and mid block.
    controlnet = scaled.first("controlnet")
    assert controlnet.args["conditioning_scale"] == scale
    unet = scaled.first("unet").args
    received = [*unet["down_block_additional_residuals"], unet["mid_block_additional_residual"]]
    returned = [*controlnet.output[0], controlnet.output[1]]
    unscaled = [*plain.first("controlnet").output[0], plain.first("controlnet").output[1]]
    for got, sent, base in zip(received, returned, unscaled, strict=True):
        assert got.equal(sent)
        torch.testing.assert_close(got, base * scale, rtol=1e-5, atol=1e-7)


# --- quizapp's loop against the pipeline ----------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {"guidance_scale": 7.5, "controlnet_conditioning_scale": 0.5, "step": 1},
        {"guidance_scale": 1.0, "controlnet_conditioning_scale": 1.3, "step": 2},
        {"guidance_scale": 3.0, "controlnet_conditioning_scale": 0.0, "step": 0},
    ],
)
def test_quizapp_matches_the_pipeline(pipe: object, settings: dict[str, object]) -> None:
    from quizapp.packs.models import Probe

    probe = Probe(
        model="tiny-sd",
        controlnet="tiny-controlnet",
        scheduler="PNDMScheduler",
        observe="timestep",
        height=128,
        width=128,
        num_inference_steps=3,
    )
    probe = probe.model_copy(update=settings)
    record, conditioning, _ = oracle.quizapp_run(probe, "tiny-sd")
    cfg = probe.guidance_scale > 1
    negative, positive = oracle.halves(conditioning.prompt_embeds, cfg)
    _, image = oracle.halves(conditioning.extra["image"], cfg)
    recording = oracle.run(
        pipe,
        ("controlnet", "unet"),
        prompt_embeds=positive,
        negative_prompt_embeds=negative,
        image=image,
        height=probe.height,
        width=probe.width,
        num_inference_steps=probe.num_inference_steps,
        guidance_scale=probe.guidance_scale,
        controlnet_conditioning_scale=probe.controlnet_conditioning_scale,
        generator=oracle.generator(probe.seed),
        output_type="latent",
    )
    oracle.same_step(record, recording, probe.step)
    controlnet = recording.calls["controlnet"][probe.step]
    unet = recording.calls["unet"][probe.step]
    oracle.close(record.latent_model_input, unet.args["sample"], "latent_model_input")
    oracle.close(conditioning.extra["image"], controlnet.args["controlnet_cond"], "image")
    down, mid = controlnet.output
    assert len(record.inputs["down_block_res_samples"]) == len(down)
    for got, expected in zip(record.inputs["down_block_res_samples"], down, strict=True):
        oracle.close(got, expected, "down residual")
    oracle.close(record.inputs["mid_block_res_sample"], mid, "mid residual")
    oracle.close(record.unet_output, unet.output[0], "unet output")
