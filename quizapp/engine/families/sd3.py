"""The SD3 family: an MMDiT (`SD3Transformer2DModel`) on flow-matching latents.

Runs `tiny-sd3`. As `StableDiffusion3Pipeline.__call__` does: latents (B, 16, H/8, W/8) of
plain noise (no `init_noise_sigma`, no `scale_model_input`); under CFG the transformer gets
`cat([latents] * 2)`, `timestep = t.expand(batch)` (sigma x 1000), the joint text tokens
(B, 77 + max_sequence_length, 4096: CLIP's 77 next to T5's, 256 by default) and the pooled
projections (B, 2048); CFG combines the halves. The pooled stand-ins draw from
`manual_seed(seed + 4)` (uncond, then cond).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import torch
from diffusers import AutoencoderKL, SD3Transformer2DModel

from quizapp.engine import guidance as cfg_guidance
from quizapp.engine import load
from quizapp.engine.families.base import (
    NO_ARGS,
    Conditioning,
    Family,
    LatentRequest,
    PipelineArgs,
    Shape,
    shape_text,
    stand_in_embeddings,
    vae_factor,
)
from quizapp.engine.guidance import Guidance
from quizapp.engine.mistakes import NO_MISTAKE, Mistake
from quizapp.engine.reference.record import StepRecord

#: CLIP's token count, which SD3 puts before T5's.
CLIP_TOKENS = 77
#: The pipelines' `max_sequence_length` default for T5.
SD3_T5_TOKENS = 256


def unshift(scheduler: Any, mistake: Mistake) -> None:
    """The `no_shift` mistake: a flow-matching schedule without its shift (shift 1)."""
    if not mistake.shift and hasattr(scheduler, "set_shift"):
        scheduler.set_shift(1.0)


def latent_channels(model_path: Path | None, default: int = 16) -> int:
    """`vae.config.latent_channels`; 16 without a VAE."""
    if model_path is None or not (model_path / "vae" / "config.json").is_file():
        return default
    return int(load.part_config(model_path, "vae")["latent_channels"])


def decode_2d(model_path: Path, latents: torch.Tensor) -> torch.Tensor:
    """`vae.decode(latents / scaling_factor + shift_factor)`, as SD3's and Flux's do."""
    vae = load.load_part(model_path, "vae", AutoencoderKL)
    shift = vae.config.shift_factor or 0.0
    with torch.no_grad():
        image: torch.Tensor = vae.decode(latents / vae.config.scaling_factor + shift).sample
    return image


class SD3(Family):
    """SD3's MMDiT: CFG as a doubled batch, timesteps as sigma x 1000, joint text tokens."""

    name: ClassVar[str] = "sd3"
    pipelines: ClassVar[tuple[str, ...]] = ("StableDiffusion3Pipeline",)

    def load(self, model_path: Path) -> Any:
        return load.load_part(model_path, "transformer", SD3Transformer2DModel)

    def latent_shape(self, request: LatentRequest, model_path: Path | None) -> Shape:
        """(B, 16, height // 8, width // 8)."""
        f = vae_factor(model_path)
        channels = latent_channels(model_path)
        return (request.batch, channels, request.height // f, request.width // f)

    def set_timesteps(
        self, scheduler: Any, num_inference_steps: int, shape: Shape, mistake: Mistake = NO_MISTAKE
    ) -> None:
        unshift(scheduler, mistake)
        scheduler.set_timesteps(num_inference_steps)

    def conditioning(
        self,
        denoiser: Any,
        shape: Shape,
        prompt_length: int,
        cfg: bool,
        seed: int,
        args: PipelineArgs = NO_ARGS,
    ) -> Conditioning:
        """Joint text tokens (77 + max_sequence_length) and pooled projections."""
        config = denoiser.config
        tokens = CLIP_TOKENS + (args.max_sequence_length or SD3_T5_TOKENS)
        embeds = stand_in_embeddings(shape[0], tokens, int(config.joint_attention_dim), cfg, seed)
        pooled_dim = int(config.pooled_projection_dim)
        # stand_in_embeddings draws from its seed + 1: these come from manual_seed(seed + 4).
        pooled = stand_in_embeddings(shape[0], 1, pooled_dim, cfg, seed + 3)[:, 0]
        return Conditioning(embeds, {"pooled_projections": pooled})

    def model_input(
        self,
        scheduler: Any,
        latents: torch.Tensor,
        t: Any,
        conditioning: Conditioning | None,
        cfg: bool,
        mistake: Mistake,
        record: StepRecord | None,
    ) -> torch.Tensor:
        """cat([latents] * 2) under CFG; flow matching scales nothing."""
        if record is not None:
            record.input_scale = 1.0
        return torch.cat([latents] * 2) if mistake.doubles_latents(cfg) else latents

    def predict(
        self,
        denoiser: Any,
        model_input: torch.Tensor,
        t: Any,
        conditioning: Conditioning,
        guidance: Guidance,
        mistake: Mistake,
        record: StepRecord | None,
    ) -> torch.Tensor:
        embeds = conditioning.prompt_embeds
        pooled = conditioning.extra["pooled_projections"]
        timestep = torch.as_tensor(t).expand(model_input.shape[0])
        if record is not None:
            record.encoder_hidden_states = embeds
            record.inputs.update({"pooled_projections": pooled, "timestep": timestep})
            record.trace.append(f"latent_model_input {shape_text(model_input)}")
            record.trace.append(f"encoder_hidden_states {shape_text(embeds)}")
            record.trace.append(f"pooled_projections {shape_text(pooled)}")
        output: torch.Tensor = denoiser(
            hidden_states=model_input,
            timestep=timestep,
            encoder_hidden_states=embeds,
            pooled_projections=pooled,
            return_dict=False,
        )[0]
        return guide_halves(output, guidance, mistake, record)

    def guidance_note(self, guidance: Guidance) -> str:
        return f" = uncond + {guidance.scale:g}·(cond − uncond)" if guidance.cfg else ""

    def decode(self, model_path: Path, latents: torch.Tensor, shape: Shape) -> torch.Tensor:
        return decode_2d(model_path, latents)


def guide_halves(
    output: torch.Tensor, guidance: Guidance, mistake: Mistake, record: StepRecord | None
) -> torch.Tensor:
    """Record the denoiser's output; under CFG combine its two halves (uncond first)."""
    if record is not None:
        record.unet_output = output
        record.trace.append(f"denoiser_output {shape_text(output)}")
    if not guidance.cfg:
        return output
    uncond, text = output.chunk(2)
    if record is not None:
        record.noise_pred_text = text
    return cfg_guidance.combine(uncond, text, guidance.scale, mistake)


FAMILY = SD3()
