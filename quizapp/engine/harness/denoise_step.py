"""denoise_step: one iteration of the reference loop with tiny-sd, returning `prev_sample`.

`denoise_step(unet, scheduler, latents, t, prompt_embeds, guidance_scale)`; `prompt_embeds` is
`cat([uncond, cond])` when guidance > 1. For a later `step` the reference loop runs the earlier
iterations first, so a stateful scheduler (Euler's step_index, PNDM's history) is where a
real loop would have left it.
"""

from __future__ import annotations

import copy
from typing import Any

from quizapp.engine.harness import base
from quizapp.engine.mistakes import NO_MISTAKE, Mistake
from quizapp.packs.harnesses import HARNESSES

SPEC = HARNESSES["denoise_step"]

_HEAD = (
    "import torch\n\n"
    "def denoise_step(unet, scheduler, latents, t, prompt_embeds, guidance_scale):\n"
    "    x = torch.cat([latents] * 2) if guidance_scale > 1 else latents\n"
)
_SCALED = "    x = scheduler.scale_model_input(x, t)\n"
_UNET = "    noise_pred = unet(x, t, encoder_hidden_states=prompt_embeds).sample\n"
_STEP = "    return scheduler.step(noise_pred, t, latents).prev_sample\n"


def _guided(line: str) -> str:
    return (
        "    if guidance_scale > 1:\n"
        "        uncond, text = noise_pred.chunk(2)\n"
        f"        noise_pred = {line}\n"
    )


EXAMPLES: dict[str, str] = {
    "swapped_guidance": _HEAD
    + _SCALED
    + _UNET
    + _guided("text + guidance_scale * (uncond - text)")
    + _STEP,
    "text_only": _HEAD + _SCALED + _UNET + _guided("text") + _STEP,
    "skip_scale_model_input": _HEAD
    + _UNET
    + _guided("uncond + guidance_scale * (text - uncond)")
    + _STEP,
    "returns_noise_pred": _HEAD
    + _SCALED
    + _UNET
    + _guided("uncond + guidance_scale * (text - uncond)")
    + "    return noise_pred\n",
}


def build(params: dict[str, Any]) -> base.Case:
    """Run the reference loop to `step`; the case is that iteration."""
    unet = base.unet()
    sched = base.scheduler(str(params["scheduler"]))
    sched.set_timesteps(int(params["num_inference_steps"]))
    scale = float(params["guidance_scale"])
    embeds = base.prompt_embeds(params)
    latents = base.randn(base.latent_shape(params), int(params["seed"])) * sched.init_noise_sigma
    step = int(params["step"]) % len(sched.timesteps)
    latents = base.loop(unet, sched, embeds, scale, NO_MISTAKE).run(latents, last=step - 1)
    t = sched.timesteps[step]
    args = (unet, sched, latents, t, embeds, scale)

    def run(mistake: Mistake = NO_MISTAKE) -> Any:
        copied = copy.deepcopy(args, {id(unet): unet})
        return base.iteration(*copied, mistake=mistake)

    return base.Case(
        label=base.describe(
            params, ("scheduler", "num_inference_steps", "step", "guidance_scale", "shape")
        ),
        args=args,
        expected=run(),
        mistakes=base.outputs_of(SPEC.mistakes, run),
        shared=(unet,),
    )
