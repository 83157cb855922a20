"""The tiny model zoo keeps each real model's interface dims, says which model it stands
for, and stays within its size budget. Reads configs only (no torch)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from quizapp import locations

MODELS = locations.models_dir()
ZOO_BUDGET_BYTES = 40 * 1024 * 1024

#: Each model and the real checkpoint its README must name.
STANDS_FOR = {
    "tiny-sdxl": "stabilityai/stable-diffusion-xl-base-1.0",
    "tiny-sd3": "stabilityai/stable-diffusion-3-medium-diffusers",
    "tiny-flux": "black-forest-labs/FLUX.1-dev",
    "tiny-controlnet": "lllyasviel/sd-controlnet",
    "tiny-wan": "Wan-AI/Wan2.1-T2V-1.3B-Diffusers",
}


def config(model: str, part: str = "") -> dict[str, Any]:
    folder = MODELS / model / part if part else MODELS / model
    name = "scheduler_config.json" if part == "scheduler" else "config.json"
    data: dict[str, Any] = json.loads((folder / name).read_text())
    return data


def vae_factor(vae: dict[str, Any]) -> int:
    return int(2 ** (len(vae["block_out_channels"]) - 1))


def test_the_zoo_fits_its_budget() -> None:
    size = sum(p.stat().st_size for p in MODELS.rglob("*") if p.is_file())
    assert size <= ZOO_BUDGET_BYTES, f"content/models is {size / 1e6:.1f} MB"


@pytest.mark.parametrize("model", sorted(STANDS_FOR))
def test_each_model_says_what_it_stands_for(model: str) -> None:
    assert STANDS_FOR[model] in (MODELS / model / "README.md").read_text()


def test_sdxl_interfaces() -> None:
    unet, vae = config("tiny-sdxl", "unet"), config("tiny-sdxl", "vae")
    assert (unet["in_channels"], unet["out_channels"], vae["latent_channels"]) == (4, 4, 4)
    assert unet["cross_attention_dim"] == 768 + 1280
    assert unet["addition_embed_type"] == "text_time"
    assert unet["addition_time_embed_dim"] == 256
    assert unet["projection_class_embeddings_input_dim"] == 1280 + 6 * 256
    assert (vae_factor(vae), vae["scaling_factor"]) == (8, 0.13025)
    assert config("tiny-sdxl", "scheduler")["_class_name"] == "EulerDiscreteScheduler"


def test_sd3_interfaces() -> None:
    transformer, vae = config("tiny-sd3", "transformer"), config("tiny-sd3", "vae")
    assert (transformer["patch_size"], transformer["in_channels"]) == (2, 16)
    assert transformer["joint_attention_dim"] == 4096
    assert transformer["pooled_projection_dim"] == 768 + 1280
    assert vae["latent_channels"] == 16 and vae_factor(vae) == 8
    assert (vae["scaling_factor"], vae["shift_factor"]) == (1.5305, 0.0609)
    scheduler = config("tiny-sd3", "scheduler")
    assert scheduler["_class_name"] == "FlowMatchEulerDiscreteScheduler"
    assert scheduler["shift"] == 3.0


def test_flux_interfaces() -> None:
    transformer, vae = config("tiny-flux", "transformer"), config("tiny-flux", "vae")
    # 16 latent channels packed 2x2 into 64, at patch size 1.
    assert vae["latent_channels"] * 2 * 2 == transformer["in_channels"] == 64
    assert transformer["patch_size"] == 1 and transformer["guidance_embeds"] is True
    assert (transformer["joint_attention_dim"], transformer["pooled_projection_dim"]) == (4096, 768)
    assert sum(transformer["axes_dims_rope"]) == transformer["attention_head_dim"]
    assert (vae["scaling_factor"], vae["shift_factor"], vae_factor(vae)) == (0.3611, 0.1159, 8)
    scheduler = config("tiny-flux", "scheduler")
    assert scheduler["use_dynamic_shifting"] is True
    assert (scheduler["base_image_seq_len"], scheduler["max_image_seq_len"]) == (256, 4096)
    assert (scheduler["base_shift"], scheduler["max_shift"]) == (0.5, 1.15)


def test_controlnet_fits_tiny_sd() -> None:
    controlnet, unet = config("tiny-controlnet"), config("tiny-sd", "unet")
    for key in ("block_out_channels", "down_block_types", "layers_per_block", "in_channels"):
        assert controlnet[key] == unet[key], key
    assert controlnet["cross_attention_dim"] == unet["cross_attention_dim"] == 768
    # Four conditioning stages: the pixel-space image comes down 8x, to the latents' size.
    assert len(controlnet["conditioning_embedding_out_channels"]) == 4


def test_wan_interfaces() -> None:
    transformer, vae = config("tiny-wan", "transformer"), config("tiny-wan", "vae")
    assert tuple(transformer["patch_size"]) == (1, 2, 2)
    assert transformer["in_channels"] == vae["z_dim"] == 16
    assert transformer["text_dim"] == 4096
    assert (vae["scale_factor_temporal"], vae["scale_factor_spatial"]) == (4, 8)
    # The factors the pipeline reads agree with the VAE's actual downsampling stages.
    assert 2 ** sum(vae["temperal_downsample"]) == 4
    assert 2 ** (len(vae["dim_mult"]) - 1) == 8
    assert len(vae["latents_mean"]) == len(vae["latents_std"]) == 16
    scheduler = config("tiny-wan", "scheduler")
    assert scheduler["prediction_type"] == "flow_prediction"
    assert scheduler["flow_shift"] == 3.0
