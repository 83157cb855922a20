"""Build `content/models/tiny-sd/`: SD 1.5's interfaces at a tiny size, random but fixed.

The folder is a real diffusers model folder (unet/, vae/, scheduler/, model_index.json) so
that probes load it with `from_pretrained(path, subfolder=...)` exactly as users load SD 1.5.
Its shapes are SD 1.5's (4 latent channels, f = 8, cross_attention_dim 768); its values are
not, because the weights are seeded random numbers.

It also builds `content/models/tiny-sd-inpaint/`: the same folder with SD inpainting's
9-channel UNet (4 latent + 1 mask + 4 masked-image latent channels), smaller still.

Run from the repository root:

    .venv/bin/python scripts/make_tiny_sd.py [OUT_DIR]
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import torch
from diffusers import AutoencoderKL, UNet2DConditionModel

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "content" / "models" / "tiny-sd"
INPAINT_OUT = ROOT / "content" / "models" / "tiny-sd-inpaint"

#: SD 1.5's scheduler/scheduler_config.json, the base every probe's scheduler is built from.
SCHEDULER_CONFIG: dict[str, object] = {
    "_class_name": "PNDMScheduler",
    "_diffusers_version": "0.6.0",
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "beta_start": 0.00085,
    "clip_sample": False,
    "num_train_timesteps": 1000,
    "prediction_type": "epsilon",
    "set_alpha_to_one": False,
    "skip_prk_steps": True,
    "steps_offset": 1,
    "trained_betas": None,
}


def make_unet() -> UNet2DConditionModel:
    """A two-resolution UNet with SD 1.5's channel and embedding interfaces.

    Attention only sits in the lower resolution: at the top (64x64 latents) self-attention
    over 4096 tokens would dominate the cost of a step.
    """
    torch.manual_seed(0)
    return UNet2DConditionModel(
        sample_size=64,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        block_out_channels=(32, 64),
        layers_per_block=1,
        norm_num_groups=8,
        cross_attention_dim=768,
        attention_head_dim=4,
    )


def make_inpaint_unet() -> UNet2DConditionModel:
    """SD inpainting's UNet interface: 9 input channels, 4 output channels, dim 768."""
    torch.manual_seed(2)
    return UNet2DConditionModel(
        sample_size=64,
        in_channels=9,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        block_out_channels=(16, 32),
        layers_per_block=1,
        norm_num_groups=8,
        cross_attention_dim=768,
        attention_head_dim=2,
    )


def make_vae() -> AutoencoderKL:
    """A 4-block AutoencoderKL, so the latent is 2**(4-1) = 8 times smaller than the image."""
    torch.manual_seed(1)
    return AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=(8, 8, 16, 16),
        layers_per_block=1,
        latent_channels=4,
        norm_num_groups=4,
        sample_size=512,
        scaling_factor=0.18215,
    )


def build(out: Path, unet: UNet2DConditionModel | None = None, pipeline: str = "") -> None:
    """Write the whole model folder to `out`, replacing what was there."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (unet or make_unet()).save_pretrained(out / "unet", safe_serialization=True)
    make_vae().save_pretrained(out / "vae", safe_serialization=True)
    (out / "scheduler").mkdir()
    (out / "scheduler" / "scheduler_config.json").write_text(
        json.dumps(SCHEDULER_CONFIG, indent=2) + "\n"
    )
    import diffusers

    model_index = {
        "_class_name": pipeline or "StableDiffusionPipeline",
        "_diffusers_version": diffusers.__version__,
        "scheduler": ["diffusers", "PNDMScheduler"],
        "unet": ["diffusers", "UNet2DConditionModel"],
        "vae": ["diffusers", "AutoencoderKL"],
    }
    (out / "model_index.json").write_text(json.dumps(model_index, indent=2) + "\n")


def measure(out: Path) -> None:
    """Print the folder size and the cost of one CFG-batch UNet forward at 64x64 latents."""
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    torch.set_num_threads(1)
    unet = UNet2DConditionModel.from_pretrained(out, subfolder="unet").eval()
    sample = torch.randn(2, 4, 64, 64, generator=torch.Generator("cpu").manual_seed(0))
    emb = torch.randn(2, 77, 768, generator=torch.Generator("cpu").manual_seed(1))
    with torch.no_grad():
        unet(sample, 999, encoder_hidden_states=emb)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            unet(sample, 999, encoder_hidden_states=emb)
            times.append(time.perf_counter() - start)
    params = sum(p.numel() for p in unet.parameters())
    print(f"folder: {size / 1e6:.2f} MB; unet params: {params:,}")
    print(f"unet forward (2,4,64,64), 1 thread: median {sorted(times)[2] * 1000:.0f} ms")


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    build(out)
    measure(out)
    if len(sys.argv) == 1:
        build(INPAINT_OUT, make_inpaint_unet(), "StableDiffusionInpaintPipeline")
        size = sum(p.stat().st_size for p in INPAINT_OUT.rglob("*") if p.is_file())
        print(f"{INPAINT_OUT.name}: {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
