"""predict_x0: `predict_x0(model_output, sample, alpha_prod_t, prediction_type)`, checked
against the `pred_original_sample` of DDIMScheduler.step for each prediction type."""

from __future__ import annotations

from typing import Any

import torch

from quizapp.engine.harness import base
from quizapp.engine.mistakes import Mistake
from quizapp.packs.harnesses import HARNESSES

SPEC = HARNESSES["predict_x0"]

EXAMPLES: dict[str, str] = {
    "ignores_prediction_type": (
        "def predict_x0(model_output, sample, alpha_prod_t, prediction_type):\n"
        "    beta_prod_t = 1 - alpha_prod_t\n"
        "    return (sample - beta_prod_t ** 0.5 * model_output) / alpha_prod_t ** 0.5\n"
    ),
    "alpha_not_sqrt": (
        "def predict_x0(model_output, sample, alpha_prod_t, prediction_type):\n"
        "    beta_prod_t = 1 - alpha_prod_t\n"
        "    if prediction_type == 'epsilon':\n"
        "        return (sample - beta_prod_t * model_output) / alpha_prod_t\n"
        "    if prediction_type == 'v_prediction':\n"
        "        return alpha_prod_t * sample - beta_prod_t * model_output\n"
        "    return model_output\n"
    ),
    "v_sign_flipped": (
        "def predict_x0(model_output, sample, alpha_prod_t, prediction_type):\n"
        "    a, b = alpha_prod_t ** 0.5, (1 - alpha_prod_t) ** 0.5\n"
        "    if prediction_type == 'epsilon':\n"
        "        return (sample - b * model_output) / a\n"
        "    if prediction_type == 'v_prediction':\n"
        "        return a * sample + b * model_output\n"
        "    return model_output\n"
    ),
}


def mistaken(
    model_output: torch.Tensor,
    sample: torch.Tensor,
    alpha: torch.Tensor,
    kind: str,
    mistake: Mistake,
) -> torch.Tensor:
    """x0 written by hand with one classic error."""
    a, b = alpha**0.5, (1 - alpha) ** 0.5
    if mistake.alpha_not_sqrt:
        a, b = alpha, 1 - alpha
    if mistake.ignores_prediction_type or kind == "epsilon":
        return (sample - b * model_output) / a
    if kind == "v_prediction":
        sign = 1 if mistake.v_sign_flipped else -1
        return a * sample + sign * b * model_output
    return model_output


def build(params: dict[str, Any]) -> base.Case:
    """A DDIM step at `timestep` with the case's prediction_type; x0 is what it predicted."""
    kind = str(params["prediction_type"])
    sched = base.scheduler("DDIMScheduler", prediction_type=kind)
    sched.set_timesteps(10)
    t = int(params["timestep"])
    seed = int(params["seed"])
    shape = base.latent_shape(params)
    model_output = base.randn(shape, seed)
    sample = base.randn(shape, seed + 1000)
    alpha = sched.alphas_cumprod[t]
    expected = sched.step(model_output, t, sample).pred_original_sample
    return base.Case(
        label=base.describe(params, ("prediction_type", "timestep", "shape")),
        args=(model_output, sample, alpha, kind),
        expected=expected,
        mistakes=base.outputs_of(
            SPEC.mistakes,
            lambda mistake: mistaken(model_output.clone(), sample.clone(), alpha, kind, mistake),
        ),
    )
