"""The SD 1.5 UNet family: `UNet2DConditionModel` with a text encoder's cross-attention.

Runs the bundled `tiny-sd` (SD 1.5's interfaces at a tiny size) and `tiny-sd-inpaint`, whose
9-channel UNet takes, after `scale_model_input`, the latents (4), the mask (1) and the masked
image's latents (4) concatenated along the channel axis, as diffusers' inpaint pipeline
does; mask and masked latents are doubled under CFG like the latents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import torch
from diffusers import AutoencoderKL, UNet2DConditionModel

from quizapp.engine import guidance as cfg_guidance
from quizapp.engine import load
from quizapp.engine.families.base import (
    NO_ARGS,
    Conditioning,
    Family,
    LatentRequest,
    PipelineArgs,
    Shape,
    scale_model_input,
    shape_text,
    stand_in_embeddings,
    vae_factor,
)
from quizapp.engine.guidance import Guidance
from quizapp.engine.mistakes import Mistake
from quizapp.engine.reference.record import StepRecord

#: Latent channels when there is no model to read them from (model `none`).
DEFAULT_LATENT_CHANNELS = 4


class SD15(Family):
    """SD 1.5's UNet: CFG as a doubled batch, `scale_model_input`, optional inpainting."""

    name: ClassVar[str] = "sd15"
    pipelines: ClassVar[tuple[str, ...]] = (
        "StableDiffusionPipeline",
        "StableDiffusionImg2ImgPipeline",
        "StableDiffusionInpaintPipeline",
    )

    def load(self, model_path: Path) -> Any:
        """The model's UNet2DConditionModel."""
        return load.load_part(model_path, "unet", UNet2DConditionModel)

    def latent_shape(self, request: LatentRequest, model_path: Path | None) -> Shape:
        """(B, channels, height // f, width // f)."""
        f = vae_factor(model_path)
        return (request.batch, latent_channels(model_path), request.height // f, request.width // f)

    def conditioning(
        self,
        denoiser: Any,
        shape: Shape,
        prompt_length: int,
        cfg: bool,
        seed: int,
        args: PipelineArgs = NO_ARGS,
    ) -> Conditioning:
        """Stand-in embeddings, and for a 9-channel UNet the inpainting mask and image."""
        dim = int(denoiser.config.cross_attention_dim)
        embeds = stand_in_embeddings(shape[0], prompt_length, dim, cfg, seed)
        inpaint = _inpaint_condition(denoiser, shape, cfg, seed)
        return Conditioning(embeds, {"inpaint": inpaint} if inpaint is not None else {})

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
        """cat([latents] * 2) under CFG, `scale_model_input`, then the inpainting channels."""
        doubled = torch.cat([latents] * 2) if mistake.doubles_latents(cfg) else latents
        scaled = scale_model_input(scheduler, doubled, t, mistake, record)
        inpaint = conditioning.extra.get("inpaint") if conditioning is not None else None
        if inpaint is not None and mistake.inpaint_concat:
            scaled = torch.cat([scaled, *inpaint], dim=1)
        return scaled

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
        """`unet(x, t, encoder_hidden_states).sample`, then CFG and its rescale."""
        return self.guided_unet_call(
            denoiser, model_input, t, conditioning, guidance, mistake, record
        )

    def guided_unet_call(
        self,
        unet: Any,
        model_input: torch.Tensor,
        t: Any,
        conditioning: Conditioning,
        guidance: Guidance,
        mistake: Mistake,
        record: StepRecord | None,
        **unet_kwargs: Any,
    ) -> torch.Tensor:
        """The UNet call every UNet family shares (`unet_kwargs`: SDXL's added conditions,
        a ControlNet's residuals), then CFG over the two halves and its rescale."""
        embeds = conditioning.prompt_embeds
        if record is not None:
            record.encoder_hidden_states = embeds
            record.trace.append(f"latent_model_input {shape_text(model_input)}")
            record.trace.append(f"encoder_hidden_states {shape_text(embeds)}")
        output: torch.Tensor = unet(
            model_input, t, encoder_hidden_states=embeds, **unet_kwargs
        ).sample
        if record is not None:
            record.unet_output = output
            record.trace.append(f"unet_output {shape_text(output)}")
        if not guidance.cfg:
            return output
        uncond, text = output.chunk(2)
        guided = cfg_guidance.combine(uncond, text, guidance.scale, mistake)
        if record is not None:
            record.noise_pred_text = text
        if guidance.rescale > 0:
            guided = cfg_guidance.rescale(guided, text, guidance.rescale)
            if record is not None:
                record.trace.append(f"rescale_noise_cfg(guidance_rescale={guidance.rescale:g})")
        return guided

    def guidance_note(self, guidance: Guidance) -> str:
        if guidance.cfg:
            return f" = uncond + {guidance.scale:g}·(cond − uncond)"
        return ""

    def decode(self, model_path: Path, latents: torch.Tensor, shape: Shape) -> torch.Tensor:
        """`vae.decode(latents / scaling_factor).sample`."""
        vae = load.load_part(model_path, "vae", AutoencoderKL)
        with torch.no_grad():
            image: torch.Tensor = vae.decode(latents / vae.config.scaling_factor).sample
        return image


def latent_channels(model_path: Path | None) -> int:
    """`vae.config.latent_channels` (the pipeline's `num_channels_latents`); else the UNet's
    `in_channels`; 4 for model `none`. They differ for a 9-channel inpainting UNet."""
    if model_path is None:
        return DEFAULT_LATENT_CHANNELS
    if (model_path / "vae" / "config.json").is_file():
        return int(load.part_config(model_path, "vae")["latent_channels"])
    return int(load.part_config(model_path, "unet")["in_channels"])


def _inpaint_condition(
    unet: Any, shape: Shape, cfg: bool, seed: int
) -> tuple[torch.Tensor, torch.Tensor] | None:
    """(mask, masked_image_latents) for an inpainting UNet, None for a plain one.

    The mask is all ones (repaint everything); the masked-image latents are seeded noise
    from `manual_seed(seed + 3)`, standing in for the encoded masked image.
    """
    batch, channels, height, width = shape
    if int(unet.config.in_channels) != 2 * channels + 1:
        return None
    generator = torch.Generator("cpu").manual_seed(seed + 3)
    mask = torch.ones(batch, 1, height, width)
    masked = torch.randn((batch, channels, height, width), generator=generator)
    if cfg:
        mask, masked = torch.cat([mask] * 2), torch.cat([masked] * 2)
    return mask, masked


FAMILY = SD15()
