"""The denoising loop, once: probes (`reference/probe_loop.py`) and harnesses drive it.

Its five steps, numbered as in docs/architecture.md ("Probes: the executed reference"):

1. the scheduler's timesteps (`Loop.set_timesteps`);
2. the initial latents (`Loop.initial_latents`);
3. conditioning and guidance: the family's stand-in embeddings and other inputs, built by
   the caller before the loop starts (`Family.conditioning`, a `Guidance`);
4. the iterations (`Loop.iteration`, `Loop.run`): the denoiser's input, the prediction
   (guided), `scheduler.step`;
5. decode (`Loop.decode`): latents to pixels, on demand (only an image observable needs it).

Whatever differs between denoisers is a hook of the model family (`engine/families/`); a
deliberate mistake is a `Mistake` (`engine/mistakes.py`) the steps read. The observed
iteration fills a `StepRecord`; the others, and harness runs, record nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from quizapp.engine.families.base import Conditioning, Family, Shape, shape_text
from quizapp.engine.guidance import Guidance
from quizapp.engine.mistakes import NO_MISTAKE, Mistake
from quizapp.engine.reference.record import StepRecord

#: A prediction that stands in for the denoiser: latents in, noise_pred out.
StandIn = Callable[[torch.Tensor], torch.Tensor]


@dataclass
class Loop:
    """One denoising loop: a family's denoiser (or a stand-in) stepping one scheduler.

    Attributes:
        family: Whose hooks build the denoiser's input and call it.
        scheduler: The diffusers scheduler; the loop changes its state as a pipeline does.
        guidance: The guidance scale (and rescale) of step 3.
        denoiser: What `family.load` returned; None when `stand_in` predicts instead.
        conditioning: Step 3's family inputs; None without a denoiser.
        mistake: The deliberate mistake (none by default).
        stand_in: The prediction used when there is no denoiser, with a name for the trace.
        step_kwargs: Passed to every `scheduler.step` (generator, eta).
    """

    family: Family
    scheduler: Any
    guidance: Guidance
    denoiser: Any = None
    conditioning: Conditioning | None = None
    mistake: Mistake = NO_MISTAKE
    stand_in: StandIn | None = None
    stand_in_name: str = ""
    step_kwargs: dict[str, Any] = field(default_factory=dict)

    # 1. Timesteps: the family gives the scheduler its schedule (unless the mistake skips it).
    def set_timesteps(self, num_inference_steps: int, shape: Shape) -> bool:
        """Set the schedule; False when the mistake is to skip `set_timesteps`."""
        if not self.mistake.set_timesteps:
            return False
        self.family.set_timesteps(self.scheduler, num_inference_steps, shape, self.mistake)
        return True

    # 2. Latents: seeded noise times init_noise_sigma, packed as the family carries them.
    def init_noise_sigma(self) -> float:
        """The factor the initial noise is scaled by (1.0 where the scheduler has none)."""
        sigma = getattr(self.scheduler, "init_noise_sigma", None)
        return 1.0 if sigma is None else float(sigma)

    def initial_latents(self, noise: torch.Tensor) -> torch.Tensor:
        """`noise * init_noise_sigma` (unless the mistake forgets it), packed (unless the
        mistake forgets that)."""
        latents = noise * self.init_noise_sigma() if self.mistake.init_noise_sigma else noise
        return self.family.pack(latents) if self.mistake.pack_latents else latents

    # 4. One iteration: the denoiser's input, the prediction, the step.
    def iteration(
        self, i: int, t: Any, latents: torch.Tensor, record: StepRecord | None = None
    ) -> torch.Tensor:
        """Iteration `i` at timestep `t`: the next latents (or what the mistake returns).

        Fills `record` when it is given: this is the observed iteration.
        """
        if record is not None:
            record.latents, record.timestep = latents, t
            record.trace.append(f"step {i}: t = {number_text(t)}")
            record.trace.append(f"latents {shape_text(latents)}")
        # 4a. The denoiser's input (built even for a stand-in: its scale is an observable).
        model_input = self.family.model_input(
            self.scheduler,
            latents,
            t,
            self.conditioning,
            self.guidance.cfg,
            self.mistake,
            record,
        )
        if record is not None:
            record.sigma = _current_sigma(self.scheduler, i)
            record.latent_model_input = model_input
        # 4b. The prediction, guided.
        if self.denoiser is not None and self.conditioning is not None:
            noise_pred = self.family.predict(
                self.denoiser,
                model_input,
                t,
                self.conditioning,
                self.guidance,
                self.mistake,
                record,
            )
            note = self.family.guidance_note(self.guidance)
        else:
            assert self.stand_in is not None, "a loop without a denoiser needs a stand-in"
            noise_pred = self.stand_in(latents)
            note = f" (stand-in: {self.stand_in_name})"
        if record is not None:
            record.noise_pred = noise_pred
            record.trace.append(f"noise_pred {shape_text(noise_pred)}{note}")
        if self.mistake.returns == "noise_pred":
            return noise_pred
        # 4c. The scheduler's step (twice, for that mistake).
        output = None
        for _ in range(self.mistake.steps_per_iteration):
            output = self.scheduler.step(noise_pred, t, latents, **self.step_kwargs)
            latents = output.prev_sample
        if record is not None:
            record.output = output
            record.trace.append(f"prev_sample {shape_text(latents)}")
        return latents

    def run(
        self,
        latents: torch.Tensor,
        last: int | None = None,
        timesteps: Any = None,
        record: StepRecord | None = None,
    ) -> torch.Tensor:
        """Iterations 0..`last` (default: the whole schedule); `record` observes the last.

        Args:
            latents: Step 2's latents.
            last: The index of the last iteration run.
            timesteps: The part of the schedule the loop walks (default: all of it).
            record: Filled at iteration `last`.
        """
        if last is None:
            walked = self.scheduler.timesteps if timesteps is None else timesteps
            last = len(walked) - 1
        for i in range(last + 1):
            t = self.mistake.timestep(self.scheduler, i, timesteps)
            latents = self.iteration(i, t, latents, record if i == last else None)
        return latents

    # 5. Decode: the family's VAE turns the carried latents into pixels.
    def decode(self, model_path: Path, latents: torch.Tensor, shape: Shape) -> torch.Tensor:
        """The image of `latents` (drawn with `shape`), as the pipeline's `vae.decode` gives it."""
        return self.family.decode(model_path, latents, shape)


def _current_sigma(scheduler: Any, i: int) -> float | None:
    sigmas = getattr(scheduler, "sigmas", None)
    if not isinstance(sigmas, torch.Tensor):
        return None
    index = getattr(scheduler, "step_index", None)
    if index is None:  # not initialised before the first step: count from the begin index
        index = i + int(getattr(scheduler, "begin_index", None) or 0)
    return float(sigmas[index]) if index < len(sigmas) else None


def number_text(value: Any) -> str:
    """A timestep for a trace line: `981`, or `14.6` when it is not whole."""
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"
