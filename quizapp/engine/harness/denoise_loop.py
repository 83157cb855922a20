"""denoise_loop: `generate(unet, scheduler, noise, prompt_embeds, guidance_scale,
num_inference_steps)` against the whole reference loop with tiny-sd.

The learner gets a scheduler fresh from the config (no timesteps yet) and unscaled noise:
set_timesteps, init_noise_sigma, scale_model_input, CFG and step are all theirs to do.
"""

from __future__ import annotations

import copy
from typing import Any

import torch

from quizapp.engine.harness import base
from quizapp.engine.mistakes import NO_MISTAKE, Mistake
from quizapp.packs.harnesses import HARNESSES

SPEC = HARNESSES["denoise_loop"]

_HEAD = (
    "import torch\n\n"
    "def generate(unet, scheduler, noise, prompt_embeds, guidance_scale, num_inference_steps):\n"
    "    scheduler.set_timesteps(num_inference_steps)\n"
)
_INIT = "    latents = noise * scheduler.init_noise_sigma\n"
_LOOP = (
    "    for t in scheduler.timesteps:\n"
    "        x = torch.cat([latents] * 2) if guidance_scale > 1 else latents\n"
)
_SCALED = "        x = scheduler.scale_model_input(x, t)\n"
_UNET = "        noise_pred = unet(x, t, encoder_hidden_states=prompt_embeds).sample\n"
_TAIL = "        latents = scheduler.step(noise_pred, t, latents).prev_sample\n    return latents\n"


def _guided(line: str) -> str:
    return (
        "        if guidance_scale > 1:\n"
        "            uncond, text = noise_pred.chunk(2)\n"
        f"            noise_pred = {line}\n"
    )


_RIGHT = _guided("uncond + guidance_scale * (text - uncond)")
EXAMPLES: dict[str, str] = {
    "no_init_noise_sigma": _HEAD
    + "    latents = noise\n"
    + _LOOP
    + _SCALED
    + _UNET
    + _RIGHT
    + _TAIL,
    "skip_scale_model_input": _HEAD + _INIT + _LOOP + _UNET + _RIGHT + _TAIL,
    "text_only": _HEAD + _INIT + _LOOP + _SCALED + _UNET + _guided("text") + _TAIL,
    "swapped_guidance": _HEAD
    + _INIT
    + _LOOP
    + _SCALED
    + _UNET
    + _guided("text + guidance_scale * (uncond - text)")
    + _TAIL,
}


def reference(
    unet: Any,
    sched: Any,
    noise: torch.Tensor,
    embeds: torch.Tensor,
    scale: float,
    steps: int,
    mistake: Mistake = NO_MISTAKE,
) -> torch.Tensor:
    """The loop's steps 1, 2 and 4 (docs/architecture.md), or one classic way of getting
    them wrong; step 3's embeddings are the learner's argument."""
    loop = base.loop(unet, sched, embeds, scale, mistake)
    loop.set_timesteps(steps, tuple(noise.shape))
    return loop.run(loop.initial_latents(noise))


def build(params: dict[str, Any]) -> base.Case:
    """A fresh scheduler, unscaled noise, stand-in embeddings; the whole loop."""
    unet = base.unet()
    sched = base.scheduler(str(params["scheduler"]))
    noise = base.randn(base.latent_shape(params), int(params["seed"]))
    scale = float(params["guidance_scale"])
    args = (
        unet,
        sched,
        noise,
        base.prompt_embeds(params),
        scale,
        int(params["num_inference_steps"]),
    )

    def run(mistake: Mistake = NO_MISTAKE) -> torch.Tensor:
        return reference(*copy.deepcopy(args, {id(unet): unet}), mistake=mistake)

    return base.Case(
        label=base.describe(
            params, ("scheduler", "num_inference_steps", "guidance_scale", "shape")
        ),
        args=args,
        expected=run(),
        mistakes=base.outputs_of(SPEC.mistakes, run),
        shared=(unet,),
    )
