"""Classifier-free guidance: the one formula, and the ways a mistake bends it.

Families whose denoiser runs the two CFG halves as one batch combine them here; the
`cfg_combine` harness checks the learner's formula against the same function.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from diffusers.guiders.guider_utils import rescale_noise_cfg

from quizapp.engine.mistakes import NO_MISTAKE, Mistake


@dataclass(frozen=True)
class Guidance:
    """How strongly the prompt steers, as a pipeline's `guidance_scale` and
    `guidance_rescale`."""

    scale: float
    rescale: float = 0.0

    @property
    def cfg(self) -> bool:
        """True when classifier-free guidance runs (the pipelines' `guidance_scale > 1`)."""
        return self.scale > 1


def combine(
    uncond: torch.Tensor, text: torch.Tensor, scale: float, mistake: Mistake = NO_MISTAKE
) -> torch.Tensor:
    """The pipeline's guidance formula, or the one the mistake writes instead."""
    if mistake.guidance == "swapped":
        return text + scale * (uncond - text)
    if mistake.guidance == "no_unconditional_base":
        return scale * (text - uncond)
    if mistake.guidance == "text_only":
        return text
    return uncond + scale * (text - uncond)


def rescale(guided: torch.Tensor, text: torch.Tensor, amount: float) -> torch.Tensor:
    """diffusers' own `rescale_noise_cfg`, so the reference is what the pipeline computes."""
    result: torch.Tensor = rescale_noise_cfg(  # type: ignore[no-untyped-call]
        guided, text, guidance_rescale=amount
    )
    return result
