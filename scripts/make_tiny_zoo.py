"""Build the tiny model zoo: SDXL, SD3, Flux, a ControlNet for tiny-sd, and Wan 2.1 video.

Each folder under `content/models/` is a real diffusers model folder, built from a config
with fixed seeds (never downloaded), loadable with the diffusers classes' `from_pretrained`
and, through its `model_index.json`, as a pipeline (text encoders and tokenizers are listed
as absent: probes pass prompt embeddings directly). Every tiny model keeps the INTERFACE of
the real model it stands for — latent channels, VAE factors and scaling/shift factors,
packing, patch size, text and pooled dims, time ids, scheduler config — and shrinks only
depth and hidden width, so every shape a learner computes is the real model's shape. Values
are seeded random numbers, not trained weights.

    tiny-sdxl        stabilityai/stable-diffusion-xl-base-1.0 (UNet, VAE, Euler scheduler)
    tiny-sd3         stabilityai/stable-diffusion-3-medium-diffusers (MMDiT, 16-ch VAE)
    tiny-flux        black-forest-labs/FLUX.1-dev (guidance-distilled, packed latents)
    tiny-controlnet  an SD 1.5 ControlNet (lllyasviel/sd-controlnet-*), fitted to tiny-sd
    tiny-wan         Wan-AI/Wan2.1-T2V-1.3B-Diffusers (3-D transformer, causal video VAE)

The real models' numbers that are not shapes (scaling and shift factors, scheduler shifts)
are copied from those checkpoints' published configs. Run from the repository root:

    .venv/bin/python scripts/make_tiny_zoo.py [NAME ...]   # default: all five
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import diffusers
import torch
from diffusers import (
    AutoencoderKL,
    AutoencoderKLWan,
    ControlNetModel,
    FluxTransformer2DModel,
    SD3Transformer2DModel,
    UNet2DConditionModel,
    WanTransformer3DModel,
)

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "content" / "models"

#: A pipeline component quizapp does not ship: `from_pretrained` then sets it to None.
ABSENT: list[None] = [None, None]

#: stable-diffusion-xl-base-1.0's scheduler/scheduler_config.json.
SDXL_SCHEDULER: dict[str, Any] = {
    "_class_name": "EulerDiscreteScheduler",
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "beta_start": 0.00085,
    "clip_sample": False,
    "interpolation_type": "linear",
    "num_train_timesteps": 1000,
    "prediction_type": "epsilon",
    "sample_max_value": 1.0,
    "set_alpha_to_one": False,
    "skip_prk_steps": True,
    "steps_offset": 1,
    "timestep_spacing": "leading",
    "trained_betas": None,
    "use_karras_sigmas": False,
}
#: stable-diffusion-3-medium-diffusers' scheduler: flow matching, a fixed shift of 3.0.
SD3_SCHEDULER: dict[str, Any] = {
    "_class_name": "FlowMatchEulerDiscreteScheduler",
    "num_train_timesteps": 1000,
    "shift": 3.0,
}
#: FLUX.1-dev's scheduler: the shift is dynamic, mu from the image's token count.
FLUX_SCHEDULER: dict[str, Any] = {
    "_class_name": "FlowMatchEulerDiscreteScheduler",
    "base_image_seq_len": 256,
    "base_shift": 0.5,
    "max_image_seq_len": 4096,
    "max_shift": 1.15,
    "num_train_timesteps": 1000,
    "shift": 3.0,
    "use_dynamic_shifting": True,
}
#: Wan2.1-T2V-1.3B-Diffusers' scheduler: UniPC on flow sigmas, flow_shift 3.0 (480p).
WAN_SCHEDULER: dict[str, Any] = {
    "_class_name": "UniPCMultistepScheduler",
    "beta_end": 0.02,
    "beta_schedule": "linear",
    "beta_start": 0.0001,
    "disable_corrector": [],
    "dynamic_thresholding_ratio": 0.995,
    "final_sigmas_type": "zero",
    "flow_shift": 3.0,
    "lower_order_final": True,
    "num_train_timesteps": 1000,
    "predict_x0": True,
    "prediction_type": "flow_prediction",
    "rescale_betas_zero_snr": False,
    "sample_max_value": 1.0,
    "solver_order": 2,
    "solver_p": None,
    "solver_type": "bh2",
    "steps_offset": 0,
    "thresholding": False,
    "timestep_spacing": "linspace",
    "trained_betas": None,
    "use_beta_sigmas": False,
    "use_exponential_sigmas": False,
    "use_flow_sigmas": True,
    "use_karras_sigmas": False,
}


def tiny_vae_2d(
    seed: int, latent_channels: int, scaling: float, shift: float | None, quant: bool
) -> AutoencoderKL:
    """A 4-block AutoencoderKL: factor 2**(4-1) = 8, as in SD 1.5, SDXL, SD3 and Flux."""
    torch.manual_seed(seed)
    return AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=(8, 8, 16, 16),
        layers_per_block=1,
        latent_channels=latent_channels,
        norm_num_groups=4,
        sample_size=1024,
        scaling_factor=scaling,
        shift_factor=shift,
        # SD3's and Flux's VAEs have no quant convs; SD's and SDXL's do.
        use_quant_conv=quant,
        use_post_quant_conv=quant,
        force_upcast=True,
    )


def sdxl_unet() -> UNet2DConditionModel:
    """SDXL base's UNet interfaces: 3 resolutions, cross-attention 2048 (CLIP-L 768 +
    OpenCLIP-G 1280), `text_time` added conditions: pooled text_embeds 1280 + 6 time ids
    x 256 = 2816 into the add embedding."""
    torch.manual_seed(10)
    return UNet2DConditionModel(
        sample_size=128,
        in_channels=4,
        out_channels=4,
        # The real UNet also attends at the middle resolution (64x64 tokens at 1024²); here
        # only the lowest does, so that a step at SDXL's own 1024² stays cheap.
        down_block_types=("DownBlock2D", "DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D", "UpBlock2D"),
        block_out_channels=(8, 16, 32),
        layers_per_block=1,
        norm_num_groups=8,
        cross_attention_dim=2048,
        attention_head_dim=(1, 2, 4),  # heads per block (diffusers' historical name)
        use_linear_projection=True,
        transformer_layers_per_block=1,
        addition_embed_type="text_time",
        addition_time_embed_dim=256,
        projection_class_embeddings_input_dim=2816,
    )


def sd3_transformer() -> SD3Transformer2DModel:
    """SD3 medium's MMDiT interfaces: patch 2 over 16 latent channels, joint attention over
    4096-wide text tokens, pooled 2048, positional embedding grid 192 (as the real one)."""
    torch.manual_seed(20)
    return SD3Transformer2DModel(
        sample_size=128,
        patch_size=2,
        in_channels=16,
        num_layers=1,
        attention_head_dim=16,
        num_attention_heads=1,
        joint_attention_dim=4096,
        caption_projection_dim=16,  # must equal the inner width, heads x head dim
        pooled_projection_dim=2048,
        out_channels=16,
        pos_embed_max_size=192,
    )


def flux_transformer() -> FluxTransformer2DModel:
    """FLUX.1-dev's interfaces: 64 input channels (16 latent channels packed 2x2), patch 1,
    guidance embedding, T5 4096 / pooled CLIP 768, 3-axis RoPE whose dims sum to the head
    dim (real: 16 + 56 + 56 = 128; here 4 + 6 + 6 = 16)."""
    torch.manual_seed(30)
    return FluxTransformer2DModel(
        patch_size=1,
        in_channels=64,
        num_layers=1,
        num_single_layers=1,
        attention_head_dim=16,
        num_attention_heads=1,
        joint_attention_dim=4096,
        pooled_projection_dim=768,
        guidance_embeds=True,
        axes_dims_rope=(4, 6, 6),
    )


def tiny_controlnet() -> ControlNetModel:
    """A ControlNet for tiny-sd, made the way ControlNets start: `from_unet` copies the
    UNet's encoder. The real conditioning embedding brings a pixel-space image down by 8
    with four conv stages (16, 32, 96, 256 channels); this one has the same stages, narrower.

    `from_unet` zero-initialises the "zero convs" (every residual is then 0, as before
    training). A trained ControlNet's are not zero, so they are seeded here instead: a
    probe must see residuals that the conditioning scale visibly multiplies.
    """
    unet = UNet2DConditionModel.from_pretrained(MODELS / "tiny-sd", subfolder="unet")
    torch.manual_seed(40)
    controlnet = ControlNetModel.from_unet(unet, conditioning_embedding_out_channels=(4, 4, 8, 16))
    generator = torch.Generator().manual_seed(41)
    zero_convs = [*controlnet.controlnet_down_blocks, controlnet.controlnet_mid_block]
    with torch.no_grad():
        for conv in [*zero_convs, controlnet.controlnet_cond_embedding.conv_out]:
            conv.weight.copy_(torch.randn(conv.weight.shape, generator=generator) * 0.05)
            conv.bias.copy_(torch.randn(conv.bias.shape, generator=generator) * 0.05)
    return controlnet


def wan_transformer() -> WanTransformer3DModel:
    """Wan 2.1's interfaces: patch (1, 2, 2) over 16 latent channels, umT5 text 4096,
    a 256-dim frequency embedding of the timestep, 3-D RoPE split over the head dim."""
    torch.manual_seed(50)
    return WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=16,
        out_channels=16,
        text_dim=4096,
        freq_dim=256,
        ffn_dim=32,
        num_layers=1,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        eps=1e-6,
        rope_max_seq_len=1024,
    )


def wan_vae() -> AutoencoderKLWan:
    """Wan 2.1's causal video VAE interfaces: 16 channels, spatial factor 8 (three
    downsamplings), temporal factor 4 (two of them temporal), its per-channel latents
    mean/std (the class defaults are the real VAE's)."""
    torch.manual_seed(51)
    return AutoencoderKLWan(
        base_dim=4,
        z_dim=16,
        dim_mult=[1, 2, 2, 2],
        num_res_blocks=1,
        temperal_downsample=[False, True, True],
    )


def write_folder(
    out: Path,
    pipeline: str,
    parts: dict[str, Any],
    scheduler: dict[str, Any],
    readme: str,
    extra: dict[str, Any] | None = None,
) -> None:
    """Write one pipeline folder: each part in its subfolder, the scheduler config, and a
    model_index.json naming every component of `pipeline` (those not shipped, the text
    encoders and tokenizers above all, as [null, null]) and its `extra` config values."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    index: dict[str, Any] = {"_class_name": pipeline, "_diffusers_version": diffusers.__version__}
    for name, model in parts.items():
        model.save_pretrained(out / name, safe_serialization=True)
        index[name] = ["diffusers", type(model).__name__]
    (out / "scheduler").mkdir()
    config = {**scheduler, "_diffusers_version": diffusers.__version__}
    (out / "scheduler" / "scheduler_config.json").write_text(json.dumps(config, indent=2) + "\n")
    index["scheduler"] = ["diffusers", scheduler["_class_name"]]
    pipeline_class = getattr(diffusers, pipeline)
    components, _ = pipeline_class._get_signature_keys(pipeline_class)
    for name in components:
        index.setdefault(name, ABSENT)
    index.update(extra or {})
    (out / "model_index.json").write_text(json.dumps(dict(sorted(index.items())), indent=2) + "\n")
    (out / "README.md").write_text(readme)


README_SDXL = """# tiny-sdxl: Stable Diffusion XL base 1.0's interfaces, tiny and random

Stands for `stabilityai/stable-diffusion-xl-base-1.0`. Built by `scripts/make_tiny_zoo.py`.

Same as the real model: 4 latent channels, VAE factor 8 (1024² → 128×128 latents),
VAE `scaling_factor` 0.13025, `cross_attention_dim` 2048 (768 + 1280 text hidden states),
`addition_embed_type: text_time`: pooled `text_embeds` (B, 1280) and 6 time ids, each
embedded in 256 dims (`projection_class_embeddings_input_dim` 2816 = 1280 + 6·256), the
EulerDiscreteScheduler config (scaled_linear betas, `leading` spacing, `steps_offset` 1).

Smaller: 3 UNet resolutions of 8/16/32 channels (real 320/640/1280), attention at the
lowest only (real: the two lower ones), 1 transformer layer per block (real 1/2/10), a
4-block VAE of 8/8/16/16 channels. Weights are seeded random.
Text encoders and tokenizers are not shipped: pass `prompt_embeds` (B, 77, 2048) and
`pooled_prompt_embeds` (B, 1280).
"""

README_SD3 = """# tiny-sd3: Stable Diffusion 3 medium's interfaces, tiny and random

Stands for `stabilityai/stable-diffusion-3-medium-diffusers`. Built by `scripts/make_tiny_zoo.py`.

Same as the real model: an `SD3Transformer2DModel` (MMDiT) with patch size 2 over 16 latent
channels (1024² → latents (B, 16, 128, 128) → 4096 image tokens), `joint_attention_dim` 4096
(text tokens: 77 CLIP + 256 T5 = 333 by default), `pooled_projection_dim` 2048,
`pos_embed_max_size` 192; a 16-channel VAE with factor 8, `scaling_factor` 1.5305 and
`shift_factor` 0.0609, no quant convs; FlowMatchEulerDiscreteScheduler with `shift` 3.0.

Smaller: 1 joint block (real 24), 1 head of 16 dims (real 24 of 64), a 4-block VAE of
8/8/16/16 channels. Weights are seeded random. Text encoders and tokenizers are not shipped:
pass `prompt_embeds` (B, 333, 4096) and `pooled_prompt_embeds` (B, 2048).
"""

README_FLUX = """# tiny-flux: FLUX.1-dev's interfaces, tiny and random

Stands for `black-forest-labs/FLUX.1-dev`. Built by `scripts/make_tiny_zoo.py`.

Same as the real model: a `FluxTransformer2DModel` with 64 input channels — the 16-channel
latents packed 2×2 — and patch size 1 (1024² → packed latents (B, 4096, 64)), guidance
embedding (`guidance_embeds: true`, guidance-distilled), `joint_attention_dim` 4096 (T5,
512 tokens by default), `pooled_projection_dim` 768 (CLIP), 3-axis RoPE ids (`img_ids`,
`txt_ids`); a 16-channel VAE with factor 8, `scaling_factor` 0.3611, `shift_factor` 0.1159,
no quant convs; FlowMatchEulerDiscreteScheduler with dynamic shifting (mu from the image
token count: 256 → 0.5, 4096 → 1.15).

Smaller: 1 double-stream and 1 single-stream block (real 19 and 38), 1 head of 16 dims
(real 24 of 128), RoPE axes 4/6/6 (real 16/56/56; both sum to the head dim), a 4-block VAE
of 8/8/16/16 channels. Weights are seeded random. Text encoders and tokenizers are not
shipped: pass `prompt_embeds` (B, 512, 4096) and `pooled_prompt_embeds` (B, 768).
"""

README_CONTROLNET = """# tiny-controlnet: an SD 1.5 ControlNet, fitted to tiny-sd

Stands for an SD 1.5 ControlNet such as `lllyasviel/sd-controlnet-canny`. Built by
`scripts/make_tiny_zoo.py` with `ControlNetModel.from_unet(tiny-sd's unet)`: the same down
blocks, mid block, cross-attention 768 and time embedding as tiny-sd's UNet, so its
`down_block_res_samples` (one per UNet down-block output: conv_in, each resnet, each
downsampler — 4 for tiny-sd, 12 for SD 1.5) and `mid_block_res_sample` fit tiny-sd's skip
connections. The conditioning image is in pixel space (3 channels, 8× the latents), as for
the real one.

Smaller: the conditioning embedding's stages have 4/4/8/16 channels (real 16/32/96/256).
The zero convs, zero after `from_unet`, are seeded random (small), as trained ones are not
zero. Like a real ControlNet, it is a bare model folder (config.json + weights): load it
with `ControlNetModel.from_pretrained(path)` and pass it to
`StableDiffusionControlNetPipeline.from_pretrained(tiny-sd, controlnet=...)`.
"""

README_WAN = """# tiny-wan: Wan 2.1 text-to-video's interfaces, tiny and random

Stands for `Wan-AI/Wan2.1-T2V-1.3B-Diffusers`. Built by `scripts/make_tiny_zoo.py`.

Same as the real model: a `WanTransformer3DModel` with patch (1, 2, 2) over 16 latent
channels, `text_dim` 4096 (umT5, 512 tokens in the pipeline call), `freq_dim` 256; an
`AutoencoderKLWan` with 16 channels, temporal factor 4 and spatial factor 8
(`num_latent_frames = (num_frames - 1) // 4 + 1`: 81 frames at 480×832 → latents
(1, 16, 21, 60, 104)), and the real per-channel `latents_mean` / `latents_std`;
UniPCMultistepScheduler on flow sigmas with `flow_shift` 3.0 (the 480p setting).

Smaller: 1 transformer block (real 30), 2 heads of 12 dims (real 12 of 128), FFN 32
(real 8960); a VAE of base width 4 (real 96) and 1 res block per stage (real 2).
Weights are seeded random. The text encoder and tokenizer are not shipped: pass
`prompt_embeds` (B, 512, 4096).
"""


def make_sdxl() -> None:
    write_folder(
        MODELS / "tiny-sdxl",
        "StableDiffusionXLPipeline",
        {"unet": sdxl_unet(), "vae": tiny_vae_2d(11, 4, 0.13025, None, quant=True)},
        SDXL_SCHEDULER,
        README_SDXL,
        # As in SDXL base's model_index.json: an empty negative prompt is zero embeddings.
        {"force_zeros_for_empty_prompt": True},
    )


def make_sd3() -> None:
    write_folder(
        MODELS / "tiny-sd3",
        "StableDiffusion3Pipeline",
        {
            "transformer": sd3_transformer(),
            "vae": tiny_vae_2d(21, 16, 1.5305, 0.0609, quant=False),
        },
        SD3_SCHEDULER,
        README_SD3,
    )


def make_flux() -> None:
    write_folder(
        MODELS / "tiny-flux",
        "FluxPipeline",
        {
            "transformer": flux_transformer(),
            "vae": tiny_vae_2d(31, 16, 0.3611, 0.1159, quant=False),
        },
        FLUX_SCHEDULER,
        README_FLUX,
    )


def make_controlnet() -> None:
    out = MODELS / "tiny-controlnet"
    if out.exists():
        shutil.rmtree(out)
    tiny_controlnet().save_pretrained(out, safe_serialization=True)
    (out / "README.md").write_text(README_CONTROLNET)


def make_wan() -> None:
    write_folder(
        MODELS / "tiny-wan",
        "WanPipeline",
        {"transformer": wan_transformer(), "vae": wan_vae()},
        WAN_SCHEDULER,
        README_WAN,
    )


BUILDERS: dict[str, Callable[[], None]] = {
    "tiny-sdxl": make_sdxl,
    "tiny-sd3": make_sd3,
    "tiny-flux": make_flux,
    "tiny-controlnet": make_controlnet,
    "tiny-wan": make_wan,
}


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    names = sys.argv[1:] or list(BUILDERS)
    unknown = [name for name in names if name not in BUILDERS]
    if unknown:
        sys.exit(f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(BUILDERS)}")
    for name in names:
        BUILDERS[name]()
        print(f"{name}: {folder_size(MODELS / name) / 1e6:.2f} MB")
    print(f"content/models: {folder_size(MODELS) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
