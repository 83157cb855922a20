"""The ControlNet family: an SD 1.5 UNet steered by a ControlNet's residuals.

A probe of `model: tiny-sd` with `controlnet: tiny-controlnet` runs here. As
`StableDiffusionControlNetPipeline.__call__` does: the ControlNet gets the same CFG batch
of scaled latents, the prompt embeddings and the control image (pixel space, (B, 3, H, W),
doubled under CFG), with `conditioning_scale = controlnet_conditioning_scale` (diffusers
multiplies inside `ControlNetModel.forward`); the UNet adds the returned
`down_block_res_samples` (one per down-block output) to its skip connections and
`mid_block_res_sample` to its mid block. The control image stand-in is uniform noise in
[0, 1) from `manual_seed(seed + 5)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import torch
from diffusers import ControlNetModel

from quizapp.engine import load
from quizapp.engine.families import sd15
from quizapp.engine.families.base import NO_ARGS, Conditioning, PipelineArgs, Shape, shape_text
from quizapp.engine.guidance import Guidance
from quizapp.engine.mistakes import Mistake
from quizapp.engine.reference.record import StepRecord


@dataclass(frozen=True)
class Denoisers:
    """The two networks of a ControlNet probe."""

    unet: Any
    controlnet: Any


def control_image(shape: Shape, factor: int, cfg: bool, seed: int) -> torch.Tensor:
    """The stand-in control image: (B, 3, h·f, w·f) in [0, 1), doubled under CFG."""
    generator = torch.Generator("cpu").manual_seed(seed + 5)
    image = torch.rand((shape[0], 3, shape[2] * factor, shape[3] * factor), generator=generator)
    return torch.cat([image] * 2) if cfg else image


@dataclass(frozen=True)
class ControlNetFamily(sd15.SD15):
    """SD 1.5 plus the ControlNet in `controlnet_path` (one instance per ControlNet)."""

    controlnet_path: Path = Path()
    name: ClassVar[str] = "controlnet"
    pipelines: ClassVar[tuple[str, ...]] = ()  # chosen by the probe's `controlnet:`

    def load(self, model_path: Path) -> Any:
        unet = super().load(model_path)
        controlnet = load.load_part(self.controlnet_path, "", ControlNetModel)
        return Denoisers(unet, controlnet)

    def conditioning(
        self,
        denoiser: Any,
        shape: Shape,
        prompt_length: int,
        cfg: bool,
        seed: int,
        args: PipelineArgs = NO_ARGS,
    ) -> Conditioning:
        base = super().conditioning(denoiser.unet, shape, prompt_length, cfg, seed, args)
        factor = args.height // shape[2] if shape[2] else 8
        extra = {
            **base.extra,
            "image": control_image(shape, factor, cfg, seed),
            "scale": args.controlnet_conditioning_scale,
        }
        return Conditioning(base.prompt_embeds, extra)

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
        scale = float(conditioning.extra["scale"]) if mistake.controlnet_scale else 1.0
        down, mid = denoiser.controlnet(
            model_input,
            t,
            encoder_hidden_states=conditioning.prompt_embeds,
            controlnet_cond=conditioning.extra["image"],
            conditioning_scale=scale,
            guess_mode=False,
            return_dict=False,
        )
        if record is not None:
            record.inputs["down_block_res_samples"] = down
            record.inputs["mid_block_res_sample"] = mid
            record.trace.append(
                f"controlnet: {len(down)} down residuals, mid {shape_text(mid)}, ×{scale:g}"
            )
        return self.guided_unet_call(
            denoiser.unet,
            model_input,
            t,
            conditioning,
            guidance,
            mistake,
            record,
            down_block_additional_residuals=down,
            mid_block_additional_residual=mid,
        )
