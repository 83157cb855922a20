"""cfg_combine: `guide(noise_uncond, noise_text, guidance_scale)` on real UNet output chunks."""

from __future__ import annotations

import copy
from typing import Any

import torch

from quizapp.engine import guidance
from quizapp.engine.harness import base
from quizapp.packs.harnesses import HARNESSES

SPEC = HARNESSES["cfg_combine"]

EXAMPLES: dict[str, str] = {
    "swapped_guidance": (
        "def guide(noise_uncond, noise_text, guidance_scale):\n"
        "    return noise_text + guidance_scale * (noise_uncond - noise_text)\n"
    ),
    "no_unconditional_base": (
        "def guide(noise_uncond, noise_text, guidance_scale):\n"
        "    return guidance_scale * (noise_text - noise_uncond)\n"
    ),
    "text_only": ("def guide(noise_uncond, noise_text, guidance_scale):\n    return noise_text\n"),
}


def build(params: dict[str, Any]) -> base.Case:
    """UNet output on the doubled latents at `timestep`, chunked as the pipeline does."""
    scale = float(params["guidance_scale"])
    latents = base.randn(base.latent_shape(params), int(params["seed"]))
    embeds = base.prompt_embeds({**params, "prompt_length": 8, "guidance_scale": 2.0})
    t = torch.tensor(int(params["timestep"]))
    output = base.unet()(torch.cat([latents] * 2), t, encoder_hidden_states=embeds).sample
    uncond, text = output.chunk(2)
    args = (uncond, text, scale)
    return base.Case(
        label=base.describe(params, ("guidance_scale", "timestep", "shape")),
        args=args,
        expected=guidance.combine(uncond, text, scale),
        mistakes=base.outputs_of(
            SPEC.mistakes, lambda mistake: guidance.combine(*copy.deepcopy(args), mistake)
        ),
    )
