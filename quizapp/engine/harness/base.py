"""What every harness shares: the case object, tiny-sd, seeded tensors, the loop's pieces.

Each harness module defines `build(params) -> Case` and `EXAMPLES`: for every mistake it
recognises, a learner-style source that makes it (`quizapp check` proves each is recognised).
The expected output and each mistake's output come from the engine's own code: the one loop
(`engine/loop.py`), the SD 1.5 family's denoiser input and guidance, and the mistakes table
(`engine/mistakes.py`), so a harness and a probe cannot disagree about a step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch

from quizapp.engine import load
from quizapp.engine.families import sd15
from quizapp.engine.families.base import Conditioning
from quizapp.engine.guidance import Guidance
from quizapp.engine.loop import Loop
from quizapp.engine.mistakes import NO_MISTAKE, Mistake, mistake_named
from quizapp.packs.modelref import resolve_model

#: allclose tolerances: float32 re-derivations and UNet thread noise sit well inside them.
RTOL = 1e-4
ATOL = 1e-5

MODEL = "tiny-sd"
#: The family of every harness model: tiny-sd is SD 1.5's UNet at a tiny size.
FAMILY = sd15.FAMILY


@dataclass
class Case:
    """One seeded case: the arguments the learner's function gets and what it must return.

    Attributes:
        label: What the case varies, shown in its feedback row.
        args: Positional arguments; copied for every call, except the objects in `shared`.
        expected: What diffusers computed.
        mistakes: The output each named mistake gives on the same arguments (None when
            the mistake raises here).
        shared: Objects passed as they are (the UNet: large, and only read).
    """

    label: str
    args: tuple[Any, ...]
    expected: torch.Tensor
    mistakes: dict[str, torch.Tensor | None] = field(default_factory=dict)
    shared: tuple[Any, ...] = ()
    rtol: float = RTOL
    atol: float = ATOL


def unet() -> Any:
    """The bundled tiny-sd UNet (SD 1.5's interfaces at a tiny size), loaded once."""
    path = resolve_model(MODEL)
    assert path is not None
    return FAMILY.load(path)


def scheduler(name: str, **overrides: Any) -> Any:
    """`name` built from tiny-sd's scheduler config (SD 1.5's), as `X.from_config(...)`."""
    base = load.base_scheduler_config(resolve_model(MODEL))
    return load.scheduler_class(name).from_config({**base, **overrides})


def randn(shape: tuple[int, ...], seed: int) -> torch.Tensor:
    """Seeded standard normal noise on CPU, the same on every machine."""
    return torch.randn(shape, generator=torch.Generator("cpu").manual_seed(seed))


def latent_shape(params: dict[str, Any]) -> tuple[int, int, int, int]:
    """(B, 4, s, s) from a case's batch_size and latent_size."""
    size = int(params["latent_size"])
    return (int(params["batch_size"]), 4, size, size)


def prompt_embeds(params: dict[str, Any]) -> torch.Tensor:
    """The family's stand-in embeddings: `cat([uncond, cond])` under CFG (guidance > 1)."""
    cfg = Guidance(float(params["guidance_scale"])).cfg
    conditioning = FAMILY.conditioning(
        unet(), latent_shape(params), int(params["prompt_length"]), cfg, int(params["seed"])
    )
    return conditioning.prompt_embeds


def loop(unet_model: Any, sched: Any, embeds: torch.Tensor, scale: float, mistake: Mistake) -> Loop:
    """The one loop over tiny-sd with these embeddings, as a learner's function runs it."""
    conditioning = Conditioning(embeds)
    return Loop(FAMILY, sched, Guidance(scale), unet_model, conditioning, mistake)


def iteration(
    unet_model: Any,
    sched: Any,
    latents: torch.Tensor,
    t: Any,
    embeds: torch.Tensor,
    scale: float,
    mistake: Mistake = NO_MISTAKE,
) -> torch.Tensor:
    """One iteration of the loop (docs/architecture.md's step 4): the next latents."""
    return loop(unet_model, sched, embeds, scale, mistake).iteration(0, t, latents)


def timestep_at(sched: Any, step: int) -> Any:
    """`timesteps[step]`, where -1 is the last one."""
    return sched.timesteps[step]


#: How `describe` shows each case parameter.
_LABELS: dict[str, Callable[[dict[str, Any]], str]] = {
    "scheduler": lambda params: str(params.get("scheduler")).removesuffix("Scheduler"),
    "num_inference_steps": lambda params: f"{params.get('num_inference_steps')} steps",
    "step": lambda params: "last step" if params.get("step") == -1 else f"step {params['step']}",
    "guidance_scale": lambda params: f"gs {params.get('guidance_scale'):g}",
    "timestep": lambda params: f"t={params.get('timestep')}",
    "prediction_type": lambda params: str(params.get("prediction_type")),
    "shape": lambda params: str(latent_shape(params)),
}


def describe(params: dict[str, Any], keys: tuple[str, ...]) -> str:
    """A short label like `EulerDiscrete, 10 steps, step 3, gs 7.5, (1, 4, 8, 8)`."""
    return ", ".join(_LABELS[key](params) for key in keys)


def outputs_of(
    mistakes: tuple[str, ...], compute: Callable[[Mistake], torch.Tensor]
) -> dict[str, torch.Tensor | None]:
    """Each named mistake's output; None where the mistake raises on this case."""
    found: dict[str, torch.Tensor | None] = {}
    for name in mistakes:
        try:
            found[name] = compute(mistake_named(name))
        except Exception:  # a mistake that raises here has no output to recognise
            found[name] = None
    return found
