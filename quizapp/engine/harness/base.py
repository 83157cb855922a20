"""What every harness shares: the case object, tiny-sd, seeded tensors, the reference iteration.

Each harness module defines `build(params) -> Case` and `EXAMPLES`: for every mistake it
recognises, a learner-style source that makes it (`quizapp check` proves each is recognised).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch

from quizapp.engine.reference import load
from quizapp.packs.modelref import resolve_model

#: allclose tolerances: float32 re-derivations and UNet thread noise sit well inside them.
RTOL = 1e-4
ATOL = 1e-5

MODEL = "tiny-sd"


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
    return load.load_unet(path)


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
    """Stand-in embeddings: `cat([uncond, cond])` under CFG (guidance > 1), else `cond`."""
    dim = int(unet().config.cross_attention_dim)
    shape = (int(params["batch_size"]), int(params["prompt_length"]), dim)
    generator = torch.Generator("cpu").manual_seed(int(params["seed"]) + 1)
    uncond = torch.randn(shape, generator=generator)
    cond = torch.randn(shape, generator=generator)
    return torch.cat([uncond, cond]) if float(params["guidance_scale"]) > 1 else cond


def guide(
    uncond: torch.Tensor, text: torch.Tensor, scale: float, mistake: str = ""
) -> torch.Tensor:
    """The pipeline's guidance formula, or one classic way of getting it wrong."""
    if mistake == "swapped_guidance":
        return text + scale * (uncond - text)
    if mistake == "no_unconditional_base":
        return scale * (text - uncond)
    if mistake == "text_only":
        return text
    return uncond + scale * (text - uncond)


def iteration(
    unet_model: Any,
    sched: Any,
    latents: torch.Tensor,
    t: Any,
    embeds: torch.Tensor,
    scale: float,
    mistake: str = "",
) -> torch.Tensor:
    """One iteration of the reference loop (DESIGN.md step 4): the next latents."""
    cfg = scale > 1
    model_input = torch.cat([latents] * 2) if cfg else latents
    if mistake != "skip_scale_model_input":
        model_input = sched.scale_model_input(model_input, t)
    output = unet_model(model_input, t, encoder_hidden_states=embeds).sample
    if cfg:
        uncond, text = output.chunk(2)
        noise_pred = guide(uncond, text, scale, mistake)
    else:
        noise_pred = output
    if mistake == "returns_noise_pred":
        return noise_pred
    prev: torch.Tensor = sched.step(noise_pred, t, latents).prev_sample
    return prev


def timestep_at(sched: Any, step: int) -> Any:
    """`timesteps[step]`, where -1 is the last one."""
    return sched.timesteps[step]


def describe(params: dict[str, Any], keys: tuple[str, ...]) -> str:
    """A short label like `EulerDiscrete, 10 steps, step 3, gs 7.5, (1, 4, 8, 8)`."""
    parts: list[str] = []
    for key in keys:
        value = params.get(key)
        if key == "scheduler":
            parts.append(str(value).removesuffix("Scheduler"))
        elif key == "num_inference_steps":
            parts.append(f"{value} steps")
        elif key == "step":
            parts.append("last step" if value == -1 else f"step {value}")
        elif key == "guidance_scale":
            parts.append(f"gs {value:g}")
        elif key == "timestep":
            parts.append(f"t={value}")
        elif key == "prediction_type":
            parts.append(str(value))
        elif key == "shape":
            parts.append(str(latent_shape(params)))
    return ", ".join(parts)


def outputs_of(
    mistakes: tuple[str, ...], compute: Callable[[str], torch.Tensor]
) -> dict[str, torch.Tensor | None]:
    """Each mistake's output; None where the mistake raises on this case."""
    found: dict[str, torch.Tensor | None] = {}
    for name in mistakes:
        try:
            found[name] = compute(name)
        except Exception:  # a mistake that raises here has no output to recognise
            found[name] = None
    return found
