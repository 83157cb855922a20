"""The classic loop mistakes a probe can make on purpose (docs/authoring.md, "Mistakes").

Each mistake is a `LoopPolicy`: the loop in `loop.py` asks the policy at each decision
point instead of branching on mistake names, so a mistake is data in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch


@dataclass(frozen=True)
class LoopPolicy:
    """How the reference loop deviates from the correct one.

    Attributes:
        name: The mistake's name in the pack vocabulary.
        set_timesteps: False: the scheduler is never given timesteps.
        index_as_timestep: True: the loop index i is passed wherever t belongs.
        steps_per_iteration: 2: `scheduler.step` is called twice per iteration.
        concat_latents: False: latents are not doubled under CFG (the embeddings still are).
        scale_model_input: False: `scale_model_input` is skipped.
        inpaint_concat: False: a 9-channel inpainting UNet gets the 4 latent channels only.
    """

    name: str = "none"
    set_timesteps: bool = True
    index_as_timestep: bool = False
    steps_per_iteration: int = 1
    concat_latents: bool = True
    scale_model_input: bool = True
    inpaint_concat: bool = True

    def timestep(self, scheduler: Any, i: int, timesteps: Any = None) -> Any:
        """The t the loop uses at iteration i, as the learner's loop would compute it.

        Raises:
            IndexError: when i is past the end of the schedule (never for skip_set_timesteps).

        `timesteps` is the part of the schedule the loop walks (img2img starts part-way);
        the scheduler's whole schedule by default.
        """
        if not self.set_timesteps:
            return untimed_timestep(scheduler)
        t = (scheduler.timesteps if timesteps is None else timesteps)[i]
        return i if self.index_as_timestep else t


def untimed_timestep(scheduler: Any) -> Any:
    """t = num_train_timesteps - 1, the timestep a loop without `set_timesteps` starts from.

    It takes the dtype of the scheduler's initial `timesteps` where it has one, so that the
    float-timestep schedulers (Euler) fail or not for the missing set_timesteps, not for an
    int timestep.
    """
    last = int(scheduler.config.num_train_timesteps) - 1
    initial = getattr(scheduler, "timesteps", None)
    if isinstance(initial, torch.Tensor):
        return torch.tensor(last, dtype=initial.dtype)
    return last


POLICIES: dict[str, LoopPolicy] = {
    "none": LoopPolicy(),
    "skip_set_timesteps": LoopPolicy(name="skip_set_timesteps", set_timesteps=False),
    "index_as_timestep": LoopPolicy(name="index_as_timestep", index_as_timestep=True),
    "step_twice": LoopPolicy(name="step_twice", steps_per_iteration=2),
    "no_cfg_concat": LoopPolicy(name="no_cfg_concat", concat_latents=False),
    "skip_scale_model_input": LoopPolicy(name="skip_scale_model_input", scale_model_input=False),
    "skip_inpaint_concat": LoopPolicy(name="skip_inpaint_concat", inpaint_concat=False),
}


def policy_for(mistake: str) -> LoopPolicy:
    """The policy of a vocabulary mistake name.

    Raises:
        KeyError: for a name outside `vocabulary.MISTAKES` (the Probe model rejects those).
    """
    return POLICIES[mistake]
