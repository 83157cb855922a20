"""What one run of the reference loop leaves behind for the observables to read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quizapp.engine.families.base import Family


@dataclass
class StepRecord:
    """The state of the observed iteration (index `step`) of a probe's loop.

    Tensors are None when that point of the loop was not reached or does not exist
    (no UNet ran, the loop raised before it). Observables turn a missing value into a
    clear ProbeError.

    Attributes:
        scheduler: The scheduler object after the loop (its timesteps, sigmas, config).
        scheduler_name: The scheduler's class name.
        model_path: The model folder, or None for model `none`.
        ran_unet: True when the denoiser produced `noise_pred` (`noise_pred: model`).
        family: The model family that ran the loop (it decodes, step 5).
        timestep: The `t` passed at the observed step (after any mistake).
        sigma: The scheduler's sigma at the observed step, when it has sigmas.
        init_noise_sigma: The factor random latents were multiplied by.
        input_scale: The factor `scale_model_input` applied at the observed step.
        shape: The shape the loop drew its latents with (before a family packs them).
        latents: x_t entering the observed step.
        latent_model_input: What went into the UNet, after cat and scaling.
        encoder_hidden_states: The stand-in prompt embeddings given to the UNet.
        unet_output: The UNet's `.sample`.
        noise_pred: The prediction after guidance (or the filled/random stand-in).
        noise_pred_text: Under CFG, the conditional half of the UNet's output.
        inputs: The denoiser's other inputs at the observed step, by the names the
            pipelines pass them (`pooled_projections`, `text_embeds`, `time_ids`,
            `img_ids`, `txt_ids`, `guidance`, `timestep`, `down_block_res_samples`,
            `mid_block_res_sample`): what the family's `predict` handed the network.
        loop_timesteps: The timesteps the loop walks (part of the schedule for img2img).
        output: The last `scheduler.step` output of the observed iteration.
        error: The exception the loop raised, or None.
        trace: Short lines describing what ran, shown to the learner.
    """

    scheduler: Any = None
    scheduler_name: str = ""
    model_path: Path | None = None
    ran_unet: bool = False
    family: Family | None = None
    timestep: Any = None
    sigma: float | None = None
    init_noise_sigma: float = 1.0
    input_scale: float = 1.0
    shape: tuple[int, ...] = ()
    latents: Any = None
    latent_model_input: Any = None
    encoder_hidden_states: Any = None
    unet_output: Any = None
    noise_pred: Any = None
    noise_pred_text: Any = None
    inputs: dict[str, Any] = field(default_factory=dict)
    loop_timesteps: Any = None
    output: Any = None
    error: BaseException | None = None
    trace: list[str] = field(default_factory=list)

    @property
    def prev_sample(self) -> Any:
        """The step output's `prev_sample`, or None."""
        return getattr(self.output, "prev_sample", None) if self.output is not None else None
