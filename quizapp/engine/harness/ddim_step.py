"""ddim_step: `ddim_step(model_output, timestep, sample, scheduler)` by hand (eta 0, epsilon),
checked against `DDIMScheduler.step(...).prev_sample` with SD 1.5's config."""

from __future__ import annotations

import copy
from typing import Any

import torch

from quizapp.engine.harness import base
from quizapp.engine.mistakes import Mistake
from quizapp.packs.harnesses import HARNESSES

SPEC = HARNESSES["ddim_step"]

_BODY = (
    "    alpha_prod_t = scheduler.alphas_cumprod[timestep]\n"
    "    pred_x0 = (sample - (1 - alpha_prod_t) ** 0.5 * model_output) / alpha_prod_t ** 0.5\n"
)
EXAMPLES: dict[str, str] = {
    "returns_x0": (
        "def ddim_step(model_output, timestep, sample, scheduler):\n"
        + _BODY
        + "    return pred_x0\n"
    ),
    "prev_t_minus_one": (
        "def ddim_step(model_output, timestep, sample, scheduler):\n"
        + _BODY
        + "    prev_t = timestep - 1\n"
        "    alpha_prev = scheduler.alphas_cumprod[prev_t] if prev_t >= 0 "
        "else scheduler.final_alpha_cumprod\n"
        "    return alpha_prev ** 0.5 * pred_x0 + (1 - alpha_prev) ** 0.5 * model_output\n"
    ),
    "final_alpha_one": (
        "import torch\n\n"
        "def ddim_step(model_output, timestep, sample, scheduler):\n"
        + _BODY
        + "    prev_t = timestep - scheduler.config.num_train_timesteps "
        "// scheduler.num_inference_steps\n"
        "    alpha_prev = scheduler.alphas_cumprod[prev_t] if prev_t >= 0 else torch.tensor(1.0)\n"
        "    return alpha_prev ** 0.5 * pred_x0 + (1 - alpha_prev) ** 0.5 * model_output\n"
    ),
}


def mistaken(
    model_output: torch.Tensor, t: Any, sample: torch.Tensor, sched: Any, mistake: Mistake
) -> torch.Tensor:
    """The DDIM update (eta 0) written by hand with one classic error."""
    t = int(t)
    alpha: torch.Tensor = sched.alphas_cumprod[t]
    pred_x0 = (sample - (1 - alpha) ** 0.5 * model_output) / alpha**0.5
    if mistake.returns == "pred_x0":
        return pred_x0
    step = sched.config.num_train_timesteps // sched.num_inference_steps
    prev_t = t - 1 if mistake.prev_t_minus_one else t - step
    alpha_prev: torch.Tensor
    if prev_t >= 0:
        alpha_prev = sched.alphas_cumprod[prev_t]
    elif mistake.final_alpha_one:
        alpha_prev = torch.tensor(1.0)
    else:
        alpha_prev = sched.final_alpha_cumprod
    return alpha_prev**0.5 * pred_x0 + (1 - alpha_prev) ** 0.5 * model_output


def build(params: dict[str, Any]) -> base.Case:
    """A DDIM scheduler (SD 1.5's config) given its timesteps; one step at `step`."""
    sched = base.scheduler("DDIMScheduler")
    sched.set_timesteps(int(params["num_inference_steps"]))
    t = base.timestep_at(sched, int(params["step"]))
    seed = int(params["seed"])
    shape = base.latent_shape(params)
    model_output = base.randn(shape, seed)
    sample = base.randn(shape, seed + 1000)
    args = (model_output, t, sample, sched)
    expected = copy.deepcopy(sched).step(model_output, t, sample, eta=0.0).prev_sample
    return base.Case(
        label=base.describe(params, ("num_inference_steps", "step", "shape")) + f", t={int(t)}",
        args=args,
        expected=expected,
        mistakes=base.outputs_of(
            SPEC.mistakes, lambda mistake: mistaken(*copy.deepcopy(args), mistake=mistake)
        ),
    )
