"""The Flux family: FLUX.1-dev's transformer on packed, dynamically shifted latents.

Runs `tiny-flux`. As `FluxPipeline.__call__` does: the noise is drawn (B, 16, 2·(H//16),
2·(W//16)) and packed into 2x2 patches, (B, (H/16)·(W/16), 64), which the loop carries
(`latents.shape` is packed); `img_ids` hold each patch's (0, row, col), `txt_ids` are zeros
(T5 tokens, max_sequence_length 512 by default); the schedule is `sigmas = linspace(1, 1/N,
N)` shifted by `mu = calculate_shift(image tokens)` from the scheduler config; the
transformer gets `timestep / 1000` and, guidance-distilled, `guidance = guidance_scale` as an
embedding: no CFG batch. `true_cfg_scale > 1` adds real CFG: a second call with the
negative (unconditional) embeddings, `neg + true_cfg_scale * (cond - neg)`. The pooled
stand-ins draw from `manual_seed(seed + 4)` (uncond, then cond).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import torch
from diffusers import FluxTransformer2DModel
from diffusers.pipelines.flux.pipeline_flux import calculate_shift

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
from quizapp.engine.families.sd3 import decode_2d, latent_channels
from quizapp.engine.guidance import Guidance
from quizapp.engine.mistakes import NO_MISTAKE, Mistake
from quizapp.engine.reference.record import StepRecord

#: The pipeline's `max_sequence_length` default for T5.
FLUX_T5_TOKENS = 512


def pack(latents: torch.Tensor) -> torch.Tensor:
    """`FluxPipeline._pack_latents`: (B, C, h, w) -> (B, (h/2)(w/2), 4C)."""
    b, c, h, w = latents.shape
    patches = latents.view(b, c, h // 2, 2, w // 2, 2).permute(0, 2, 4, 1, 3, 5)
    return patches.reshape(b, (h // 2) * (w // 2), c * 4)


def unpack(latents: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """`FluxPipeline._unpack_latents` for a latent grid of (height, width) (pre-packing)."""
    b, _, channels = latents.shape
    patches = latents.view(b, height // 2, width // 2, channels // 4, 2, 2)
    return patches.permute(0, 3, 1, 4, 2, 5).reshape(b, channels // 4, height, width)


def image_ids(height: int, width: int) -> torch.Tensor:
    """`_prepare_latent_image_ids` for a packed grid of height x width patches."""
    ids = torch.zeros(height, width, 3)
    ids[..., 1] = ids[..., 1] + torch.arange(height)[:, None]
    ids[..., 2] = ids[..., 2] + torch.arange(width)[None, :]
    return ids.reshape(height * width, 3)


class Flux(Family):
    """Flux: packed latents, RoPE ids, embedded guidance, optional true CFG."""

    name: ClassVar[str] = "flux"
    pipelines: ClassVar[tuple[str, ...]] = ("FluxPipeline",)

    def load(self, model_path: Path) -> Any:
        return load.load_part(model_path, "transformer", FluxTransformer2DModel)

    def latent_shape(self, request: LatentRequest, model_path: Path | None) -> Shape:
        """(B, 16, 2·(height // 16), 2·(width // 16)): divisible by the 2x2 packing."""
        f = vae_factor(model_path) * 2
        channels = latent_channels(model_path)
        return (request.batch, channels, 2 * (request.height // f), 2 * (request.width // f))

    def pack(self, latents: torch.Tensor) -> torch.Tensor:
        return pack(latents) if latents.dim() == 4 else latents

    def set_timesteps(
        self, scheduler: Any, num_inference_steps: int, shape: Shape, mistake: Mistake = NO_MISTAKE
    ) -> None:
        """`sigmas = linspace(1, 1/N, N)` and `mu` from the image token count."""
        config = scheduler.config
        sigmas: Any = np.linspace(1.0, 1 / num_inference_steps, num_inference_steps)
        if config.get("use_flow_sigmas"):
            sigmas = None
        tokens = (shape[2] // 2) * (shape[3] // 2)
        mu = calculate_shift(
            tokens,
            config.get("base_image_seq_len", 256),
            config.get("max_image_seq_len", 4096),
            config.get("base_shift", 0.5),
            config.get("max_shift", 1.15),
        )
        kwargs: dict[str, Any] = {"mu": 0.0 if not mistake.shift else mu}
        if sigmas is None:
            scheduler.set_timesteps(num_inference_steps, **kwargs)
        else:
            scheduler.set_timesteps(sigmas=sigmas, **kwargs)

    def conditioning(
        self,
        denoiser: Any,
        shape: Shape,
        prompt_length: int,
        cfg: bool,
        seed: int,
        args: PipelineArgs = NO_ARGS,
    ) -> Conditioning:
        """T5 tokens, pooled CLIP, ids and guidance; negatives only for true CFG.

        `cfg` (guidance_scale > 1) does not apply: Flux embeds the guidance scale.
        """
        config = denoiser.config
        tokens = args.max_sequence_length or FLUX_T5_TOKENS
        true_cfg = args.true_cfg_scale > 1
        batch = shape[0]
        embeds = stand_in_embeddings(batch, tokens, int(config.joint_attention_dim), True, seed)
        pooled_dim = int(config.pooled_projection_dim)
        # stand_in_embeddings draws from its seed + 1: these come from manual_seed(seed + 4).
        pooled = stand_in_embeddings(batch, 1, pooled_dim, True, seed + 3)[:, 0]
        guidance = None
        if config.guidance_embeds:
            guidance = torch.full([1], args.guidance_scale, dtype=torch.float32).expand(batch)
        extra = {
            "pooled_projections": pooled[batch:],
            "negative": (embeds[:batch], pooled[:batch]) if true_cfg else None,
            "true_cfg_scale": args.true_cfg_scale,
            "img_ids": image_ids(shape[2] // 2, shape[3] // 2),
            "txt_ids": torch.zeros(tokens, 3),
            "guidance": guidance,
        }
        return Conditioning(embeds[batch:], extra)

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
        """The packed latents as they are: no CFG batch, no input scaling."""
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
        extra = conditioning.extra
        timestep = torch.as_tensor(t).expand(model_input.shape[0]).to(model_input.dtype)
        inputs = {
            "pooled_projections": extra["pooled_projections"],
            "img_ids": extra["img_ids"],
            "txt_ids": extra["txt_ids"],
            "guidance": extra["guidance"],
            "timestep": timestep / 1000,
        }
        if record is not None:
            record.encoder_hidden_states = conditioning.prompt_embeds
            record.inputs.update(inputs)
            record.trace.append(f"latent_model_input {shape_text(model_input)} (packed)")
            record.trace.append(f"encoder_hidden_states {shape_text(conditioning.prompt_embeds)}")
            record.trace.append(
                f"img_ids {shape_text(inputs['img_ids'])}, txt_ids {shape_text(inputs['txt_ids'])}"
            )
        output = self._call(denoiser, model_input, conditioning.prompt_embeds, inputs)
        if record is not None:
            record.unet_output = output
            record.trace.append(f"denoiser_output {shape_text(output)}")
        negative = extra["negative"]
        if negative is None:
            return output
        embeds, pooled = negative
        uncond = self._call(denoiser, model_input, embeds, {**inputs, "pooled_projections": pooled})
        if record is not None:
            record.noise_pred_text = output
        scale = float(extra["true_cfg_scale"])
        return uncond + scale * (output - uncond)

    @staticmethod
    def _call(
        denoiser: Any, latents: torch.Tensor, embeds: torch.Tensor, inputs: dict[str, Any]
    ) -> torch.Tensor:
        output: torch.Tensor = denoiser(
            hidden_states=latents,
            timestep=inputs["timestep"],
            guidance=inputs["guidance"],
            pooled_projections=inputs["pooled_projections"],
            encoder_hidden_states=embeds,
            txt_ids=inputs["txt_ids"],
            img_ids=inputs["img_ids"],
            return_dict=False,
        )[0]
        return output

    def guidance_note(self, guidance: Guidance) -> str:
        return f" (guidance {guidance.scale:g} embedded)"

    def decode(self, model_path: Path, latents: torch.Tensor, shape: Shape) -> torch.Tensor:
        """`_unpack_latents` to the drawn grid, then `latents / scaling_factor + shift_factor`."""
        unpacked = unpack(latents, shape[2], shape[3]) if latents.dim() == 3 else latents
        return decode_2d(model_path, unpacked)


FAMILY = Flux()
