"""Every classic mistake the engine can make on purpose, as data in one table.

A probe's `mistake:` (docs/authoring.md, "Mistakes"), a computed trap's `{mistake: M}` and a
code harness's recognised mistakes all name an entry of `MISTAKES`. Each entry is a `Mistake`:
the code that can go wrong (the loop in `engine/loop.py`, a family's denoiser input and
guidance, the hand-written scheduler formulas of the `ddim_step` and `predict_x0` harnesses)
reads its fields at each decision point instead of branching on names, so a new mistake is a
new row here plus the field it needs. Which names a consumer accepts is that consumer's
list: `packs/vocabulary.MISTAKES` for probes, each `HarnessSpec.mistakes` for harnesses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import torch

#: How the two halves of a CFG prediction are combined (`guidance.combine`).
GuidanceFormula = Literal["standard", "swapped", "no_unconditional_base", "text_only"]
#: When the latents are doubled for the two CFG halves.
CfgBatch = Literal["under_cfg", "never", "always"]
#: What one iteration hands on: the next latents, or (wrongly) the prediction or x0.
Returns = Literal["prev_sample", "noise_pred", "pred_x0"]


@dataclass(frozen=True)
class Mistake:
    """How the computation deviates from the correct one; the defaults are no mistake.

    Attributes:
        name: The mistake's name (a key of `MISTAKES`).
        set_timesteps: False: the scheduler is never given timesteps.
        index_as_timestep: True: the loop index i is passed wherever t belongs.
        steps_per_iteration: 2: `scheduler.step` is called twice per iteration.
        init_noise_sigma: False: the initial noise is not scaled by `init_noise_sigma`.
        cfg_batch: When the latents are doubled: under CFG (right), never (the embeddings
            still are), or always (even with guidance off).
        scale_model_input: False: `scale_model_input` is skipped.
        inpaint_concat: False: a 9-channel inpainting UNet gets the 4 latent channels only.
        guidance: The CFG formula used.
        returns: What an iteration (or a hand-written step) returns.
        prev_t_minus_one: The previous timestep is t - 1, not t - train // inference steps.
        final_alpha_one: The last DDIM step uses alpha 1.0 instead of `final_alpha_cumprod`.
        alpha_not_sqrt: alpha_prod_t is used where its square root belongs.
        ignores_prediction_type: The epsilon formula is used whatever the prediction type.
        v_sign_flipped: v-prediction's x0 has the sign of its v term flipped.
        time_ids_width_first: SDXL's time ids are written as (width, height) pairs.
        shift: False: a flow-matching schedule is not shifted (SD3's `shift`, Flux's `mu`).
        pack_latents: False: Flux's latents are not packed into 2x2 patches.
        temporal_compression: False: a video's frames are taken for latent frames.
        controlnet_scale: False: ControlNet residuals are added without the scale.
    """

    name: str = "none"
    set_timesteps: bool = True
    index_as_timestep: bool = False
    steps_per_iteration: int = 1
    init_noise_sigma: bool = True
    cfg_batch: CfgBatch = "under_cfg"
    scale_model_input: bool = True
    inpaint_concat: bool = True
    guidance: GuidanceFormula = "standard"
    returns: Returns = "prev_sample"
    prev_t_minus_one: bool = False
    final_alpha_one: bool = False
    alpha_not_sqrt: bool = False
    ignores_prediction_type: bool = False
    v_sign_flipped: bool = False
    time_ids_width_first: bool = False
    shift: bool = True
    pack_latents: bool = True
    temporal_compression: bool = True
    controlnet_scale: bool = True

    def timestep(self, scheduler: Any, i: int, timesteps: Any = None) -> Any:
        """The t the loop uses at iteration i, as the learner's loop would compute it.

        `timesteps` is the part of the schedule the loop walks (img2img starts part-way);
        the scheduler's whole schedule by default.

        Raises:
            IndexError: when i is past the end of the schedule (never for skip_set_timesteps).
        """
        if not self.set_timesteps:
            return untimed_timestep(scheduler)
        t = (scheduler.timesteps if timesteps is None else timesteps)[i]
        return i if self.index_as_timestep else t

    def doubles_latents(self, cfg: bool) -> bool:
        """True when the latents enter the denoiser doubled (the CFG batch)."""
        if self.cfg_batch == "always":
            return True
        return cfg and self.cfg_batch == "under_cfg"


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


NO_MISTAKE = Mistake()

MISTAKES: dict[str, Mistake] = {
    mistake.name: mistake
    for mistake in (
        NO_MISTAKE,
        # The loop: probes, computed traps and the loop harnesses.
        Mistake(name="skip_set_timesteps", set_timesteps=False),
        Mistake(name="index_as_timestep", index_as_timestep=True),
        Mistake(name="step_twice", steps_per_iteration=2),
        Mistake(name="no_init_noise_sigma", init_noise_sigma=False),
        # The denoiser's input.
        Mistake(name="no_cfg_concat", cfg_batch="never"),
        Mistake(name="always_concat", cfg_batch="always"),
        Mistake(name="skip_scale_model_input", scale_model_input=False),
        Mistake(name="skip_inpaint_concat", inpaint_concat=False),
        # Guidance.
        Mistake(name="swapped_guidance", guidance="swapped"),
        Mistake(name="no_unconditional_base", guidance="no_unconditional_base"),
        Mistake(name="text_only", guidance="text_only"),
        Mistake(name="returns_noise_pred", returns="noise_pred"),
        # Scheduler formulas written by hand.
        Mistake(name="returns_x0", returns="pred_x0"),
        Mistake(name="prev_t_minus_one", prev_t_minus_one=True),
        Mistake(name="final_alpha_one", final_alpha_one=True),
        Mistake(name="alpha_not_sqrt", alpha_not_sqrt=True),
        Mistake(name="ignores_prediction_type", ignores_prediction_type=True),
        Mistake(name="v_sign_flipped", v_sign_flipped=True),
        # Model families (engine/families/): each reads its own field.
        Mistake(name="time_ids_width_first", time_ids_width_first=True),
        Mistake(name="no_shift", shift=False),
        Mistake(name="unpacked_latents", pack_latents=False),
        Mistake(name="frames_as_latent_frames", temporal_compression=False),
        Mistake(name="unscaled_controlnet_residuals", controlnet_scale=False),
    )
}


def mistake_named(name: str) -> Mistake:
    """The mistake called `name`; "" and "none" are no mistake.

    Raises:
        KeyError: for a name outside `MISTAKES` (the Probe model and the harness specs
            reject those before they get here).
    """
    return MISTAKES[name or "none"]
