"""The Wan family: Wan 2.1's 3-D transformer on video latents (B, 16, F', H/8, W/8).

Runs `tiny-wan`. As `WanPipeline.__call__` does: `num_frames` is rounded to 4k + 1 and
maps to `(num_frames - 1) // 4 + 1` latent frames (the VAE's temporal factor); the
transformer gets the latents as they are and `timestep = t.expand(batch)`; under CFG it is
called twice, with the prompt's then the negative prompt's umT5 embeddings (512 tokens by
default), and `uncond + guidance_scale * (cond - uncond)` is what the scheduler steps with.
Decoding un-normalises with the VAE's per-channel `latents_mean` / `latents_std`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import torch
from diffusers import AutoencoderKLWan, WanTransformer3DModel

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
)
from quizapp.engine.guidance import Guidance
from quizapp.engine.mistakes import Mistake
from quizapp.engine.reference.record import StepRecord

#: The pipeline's `max_sequence_length` default for umT5.
WAN_T5_TOKENS = 512
#: Wan 2.1's VAE factors and latent channels, for model `none`.
TEMPORAL, SPATIAL, CHANNELS = 4, 8, 16


def _vae_config(model_path: Path | None) -> dict[str, Any]:
    if model_path is None or not (model_path / "vae" / "config.json").is_file():
        return {}
    return load.part_config(model_path, "vae")


def latent_frames(num_frames: int, temporal: int, mistake: Mistake) -> int:
    """`(num_frames - 1) // temporal + 1` after the pipeline's rounding to temporal·k + 1;
    the `frames_as_latent_frames` mistake takes the frames as they are."""
    if not mistake.temporal_compression:
        return num_frames
    if num_frames % temporal != 1:
        num_frames = num_frames // temporal * temporal + 1
    return (num_frames - 1) // temporal + 1


class Wan(Family):
    """Wan 2.1 text-to-video: 5-D latents, CFG as two transformer calls."""

    name: ClassVar[str] = "wan"
    pipelines: ClassVar[tuple[str, ...]] = ("WanPipeline",)

    def load(self, model_path: Path) -> Any:
        return load.load_part(model_path, "transformer", WanTransformer3DModel)

    def latent_shape(self, request: LatentRequest, model_path: Path | None) -> Shape:
        """(B, 16, latent frames, height // 8, width // 8)."""
        config = _vae_config(model_path)
        temporal = int(config.get("scale_factor_temporal") or TEMPORAL)
        spatial = int(config.get("scale_factor_spatial") or SPATIAL)
        channels = int(config.get("z_dim") or CHANNELS)
        frames = latent_frames(request.frames, temporal, request.mistake)
        return (
            request.batch,
            channels,
            frames,
            request.height // spatial,
            request.width // spatial,
        )

    def conditioning(
        self,
        denoiser: Any,
        shape: Shape,
        prompt_length: int,
        cfg: bool,
        seed: int,
        args: PipelineArgs = NO_ARGS,
    ) -> Conditioning:
        """umT5 stand-ins: the negative prompt's first, then the prompt's (two calls)."""
        tokens = args.max_sequence_length or WAN_T5_TOKENS
        dim = int(denoiser.config.text_dim)
        embeds = stand_in_embeddings(shape[0], tokens, dim, True, seed)
        batch = shape[0]
        negative = embeds[:batch] if cfg else None
        return Conditioning(embeds[batch:], {"negative": negative})

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
        """The latents as they are: CFG is two calls, not a batch; nothing is scaled."""
        if record is not None:
            record.input_scale = 1.0
        return latents

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
        timestep = torch.as_tensor(t).expand(model_input.shape[0])
        embeds = conditioning.prompt_embeds
        if record is not None:
            record.encoder_hidden_states = embeds
            record.inputs["timestep"] = timestep
            record.trace.append(f"latent_model_input {shape_text(model_input)}")
            record.trace.append(f"encoder_hidden_states {shape_text(embeds)}")
        cond = self._call(denoiser, model_input, timestep, embeds)
        if record is not None:
            record.unet_output = cond
            record.trace.append(f"denoiser_output {shape_text(cond)}")
        negative = conditioning.extra["negative"]
        if negative is None or not guidance.cfg:
            return cond
        uncond = self._call(denoiser, model_input, timestep, negative)
        if record is not None:
            record.noise_pred_text = cond
        return cfg_guidance.combine(uncond, cond, guidance.scale, mistake)

    @staticmethod
    def _call(denoiser: Any, latents: torch.Tensor, timestep: Any, embeds: Any) -> torch.Tensor:
        output: torch.Tensor = denoiser(
            hidden_states=latents,
            timestep=timestep,
            encoder_hidden_states=embeds,
            return_dict=False,
        )[0]
        return output

    def guidance_note(self, guidance: Guidance) -> str:
        return f" = uncond + {guidance.scale:g}·(cond − uncond), two calls" if guidance.cfg else ""

    def decode(self, model_path: Path, latents: torch.Tensor, shape: Shape) -> torch.Tensor:
        """`latents / (1 / latents_std) + latents_mean`, then `vae.decode`: (B, 3, F, H, W)."""
        vae = load.load_part(model_path, "vae", AutoencoderKLWan)
        channels = int(vae.config.z_dim)
        mean = torch.tensor(vae.config.latents_mean).view(1, channels, 1, 1, 1)
        inverse_std = 1.0 / torch.tensor(vae.config.latents_std).view(1, channels, 1, 1, 1)
        with torch.no_grad():
            video: torch.Tensor = vae.decode(latents / inverse_std + mean).sample
        return video


FAMILY = Wan()
