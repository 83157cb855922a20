"""model_input: `model_input(latents, t, scheduler, guidance_scale)`, checked against
`scheduler.scale_model_input` of the latents, doubled when guidance > 1."""

from __future__ import annotations

import copy
from typing import Any

import torch

from quizapp.engine.guidance import Guidance
from quizapp.engine.harness import base
from quizapp.engine.mistakes import NO_MISTAKE, Mistake
from quizapp.packs.harnesses import HARNESSES

SPEC = HARNESSES["model_input"]

EXAMPLES: dict[str, str] = {
    "no_cfg_concat": (
        "def model_input(latents, t, scheduler, guidance_scale):\n"
        "    return scheduler.scale_model_input(latents, t)\n"
    ),
    "skip_scale_model_input": (
        "import torch\n\n"
        "def model_input(latents, t, scheduler, guidance_scale):\n"
        "    if guidance_scale > 1:\n"
        "        return torch.cat([latents] * 2)\n"
        "    return latents\n"
    ),
    "always_concat": (
        "import torch\n\n"
        "def model_input(latents, t, scheduler, guidance_scale):\n"
        "    return scheduler.scale_model_input(torch.cat([latents, latents]), t)\n"
    ),
}


def reference(
    latents: torch.Tensor, t: Any, sched: Any, scale: float, mistake: Mistake = NO_MISTAKE
) -> torch.Tensor:
    """The SD 1.5 family's model input (the loop's step 4a), or one classic way of getting
    it wrong."""
    cfg = Guidance(scale).cfg
    return base.FAMILY.model_input(sched, latents, t, None, cfg, mistake, None)


def build(params: dict[str, Any]) -> base.Case:
    """Latents at `timesteps[step]` of a scheduler given `num_inference_steps`."""
    sched = base.scheduler(str(params["scheduler"]))
    sched.set_timesteps(int(params["num_inference_steps"]))
    t = base.timestep_at(sched, int(params["step"]))
    latents = base.randn(base.latent_shape(params), int(params["seed"])) * sched.init_noise_sigma
    scale = float(params["guidance_scale"])
    args = (latents, t, sched, scale)
    return base.Case(
        label=base.describe(
            params, ("scheduler", "num_inference_steps", "step", "guidance_scale", "shape")
        ),
        args=args,
        expected=reference(*copy.deepcopy(args)),
        mistakes=base.outputs_of(
            SPEC.mistakes, lambda mistake: reference(*copy.deepcopy(args), mistake=mistake)
        ),
    )
