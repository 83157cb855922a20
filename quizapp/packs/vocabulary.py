"""What a probe may name: schedulers, observables and mistakes, as plain data.

The UI process checks packs against these lists without importing torch or diffusers;
`tests/test_vocabulary_torch.py` imports diffusers and keeps the scheduler list honest.
"""

from __future__ import annotations

import re
from typing import Literal

#: Every class name diffusers 0.42.1 exports whose name ends in "Scheduler".
SCHEDULERS: frozenset[str] = frozenset(
    {
        "AmusedScheduler",
        "BlockRefinementScheduler",
        "CMStochasticIterativeScheduler",
        "CogVideoXDDIMScheduler",
        "CogVideoXDPMScheduler",
        "CosineDPMSolverMultistepScheduler",
        "DDIMInverseScheduler",
        "DDIMParallelScheduler",
        "DDIMScheduler",
        "DDPMParallelScheduler",
        "DDPMScheduler",
        "DDPMWuerstchenScheduler",
        "DEISMultistepScheduler",
        "DPMSolverMultistepInverseScheduler",
        "DPMSolverMultistepScheduler",
        "DPMSolverSDEScheduler",
        "DPMSolverSinglestepScheduler",
        "DiscreteDDIMScheduler",
        "EDMDPMSolverMultistepScheduler",
        "EDMEulerScheduler",
        "EntropyBoundScheduler",
        "EulerAncestralDiscreteScheduler",
        "EulerDiscreteScheduler",
        "FlowMapEulerDiscreteScheduler",
        "FlowMatchEulerDiscreteScheduler",
        "FlowMatchHeunDiscreteScheduler",
        "FlowMatchLCMScheduler",
        "HeliosDMDScheduler",
        "HeliosScheduler",
        "HeunDiscreteScheduler",
        "IPNDMScheduler",
        "KDPM2AncestralDiscreteScheduler",
        "KDPM2DiscreteScheduler",
        "KarrasVeScheduler",
        "LCMScheduler",
        "LMSDiscreteScheduler",
        "LTXEulerAncestralRFScheduler",
        "MiniMaxH3Scheduler",
        "PNDMScheduler",
        "PiflowScheduler",
        "RFD4ProteinaScheduler",
        "RePaintScheduler",
        "SASolverScheduler",
        "SCMScheduler",
        "ScoreSdeVeScheduler",
        "TCDScheduler",
        "UnCLIPScheduler",
        "UniPCMultistepScheduler",
        "VQDiffusionScheduler",
    }
)

#: Schedulers that diffusers only builds when an optional package is installed.
#: quizapp does not depend on these packages, so such a probe fails with this reason.
SCHEDULER_NEEDS: dict[str, str] = {
    "LMSDiscreteScheduler": "scipy",
    "DPMSolverSDEScheduler": "torchsde",
    "CosineDPMSolverMultistepScheduler": "torchsde",
}

#: Schedulers whose `step()` output has `pred_original_sample` (others return only
#: `prev_sample`, or `denoised`); observing it elsewhere is a validation error.
PRED_ORIGINAL_SCHEDULERS: frozenset[str] = frozenset(
    {
        "AmusedScheduler",
        "CogVideoXDDIMScheduler",
        "CogVideoXDPMScheduler",
        "DDIMInverseScheduler",
        "DDIMParallelScheduler",
        "DDIMScheduler",
        "DDPMParallelScheduler",
        "DDPMScheduler",
        "EDMEulerScheduler",
        "EulerAncestralDiscreteScheduler",
        "EulerDiscreteScheduler",
        "HeunDiscreteScheduler",
        "KDPM2AncestralDiscreteScheduler",
        "KDPM2DiscreteScheduler",
        "LMSDiscreteScheduler",
        "RePaintScheduler",
        "SCMScheduler",
        "UnCLIPScheduler",
    }
)

#: Schedulers that keep a `sigmas` table after `set_timesteps` (the sigma observables).
SIGMA_SCHEDULERS: frozenset[str] = frozenset(
    {
        "CMStochasticIterativeScheduler",
        "CosineDPMSolverMultistepScheduler",
        "DEISMultistepScheduler",
        "DPMSolverMultistepInverseScheduler",
        "DPMSolverMultistepScheduler",
        "DPMSolverSDEScheduler",
        "DPMSolverSinglestepScheduler",
        "EDMDPMSolverMultistepScheduler",
        "EDMEulerScheduler",
        "EulerAncestralDiscreteScheduler",
        "EulerDiscreteScheduler",
        "FlowMapEulerDiscreteScheduler",
        "FlowMatchEulerDiscreteScheduler",
        "FlowMatchHeunDiscreteScheduler",
        "FlowMatchLCMScheduler",
        "HeunDiscreteScheduler",
        "KDPM2AncestralDiscreteScheduler",
        "KDPM2DiscreteScheduler",
        "LMSDiscreteScheduler",
        "LTXEulerAncestralRFScheduler",
        "MiniMaxH3Scheduler",
        "PiflowScheduler",
        "SASolverScheduler",
        "ScoreSdeVeScheduler",
        "UniPCMultistepScheduler",
    }
)

ObservableKind = Literal["shape", "number", "sequence", "name"]

#: Fixed observables and the kind of value each yields.
OBSERVABLES: dict[str, ObservableKind] = {
    "latents.shape": "shape",
    "latent_model_input.shape": "shape",
    "encoder_hidden_states.shape": "shape",
    "unet_output.shape": "shape",
    "noise_pred.shape": "shape",
    "prev_sample.shape": "shape",
    "pred_original_sample.shape": "shape",
    "image.shape": "shape",
    "timesteps": "sequence",
    "sigmas": "sequence",
    "num_timesteps": "number",
    "timestep": "number",
    "sigma": "number",
    "init_noise_sigma": "number",
    "input_scale": "number",
    "alpha_prod_t": "number",
    "order": "number",
    "prev_sample.mean": "number",
    "prev_sample.std": "number",
    "pred_original_sample.mean": "number",
    "raises": "name",
    "loop_timesteps": "sequence",
    "num_loop_timesteps": "number",
    "prev_sample.dtype": "name",
    "pred_original_sample.dtype": "name",
    "noise_pred.std_ratio": "number",
    # The denoiser's inputs and output across model families (named as the pipelines pass
    # them; `FAMILY_OBSERVABLES` says which family has which).
    "denoiser_output.shape": "shape",
    "denoiser_timestep": "number",
    "pooled_projections.shape": "shape",
    "text_embeds.shape": "shape",
    "time_ids": "sequence",
    "img_ids.shape": "shape",
    "txt_ids.shape": "shape",
    "guidance": "number",
    "down_block_res_samples.count": "number",
    "mid_block_res_sample.shape": "shape",
    "video.shape": "shape",
}

#: Indexed observables: `prev_sample[0,1,2,3]`, `alphas_cumprod[500]`.
INDEXED_OBSERVABLE = re.compile(
    r"^(?P<name>prev_sample|pred_original_sample|alphas_cumprod)"
    r"\[(?P<index>\s*\d+\s*(?:,\s*\d+\s*)*)\]$"
)

#: How many indices each indexed observable takes: the latents' rank, 4 for images, 3 for
#: Flux's packed latents, 5 for video (`LATENT_RANK` says which family has which).
INDEXED_ARITY: dict[str, tuple[int, ...]] = {
    "prev_sample": (3, 4, 5),
    "pred_original_sample": (3, 4, 5),
    "alphas_cumprod": (1,),
}
#: The rank of the latents each family carries through the loop (4 for the others).
LATENT_RANK: dict[str, int] = {"flux": 3, "wan": 5}

#: Observables that only exist when the denoiser runs (`noise_pred: model`).
NEEDS_UNET: frozenset[str] = frozenset(
    {
        "unet_output.shape",
        "encoder_hidden_states.shape",
        "latent_model_input.shape",
        "noise_pred.std_ratio",
        "denoiser_output.shape",
        "denoiser_timestep",
        "pooled_projections.shape",
        "text_embeds.shape",
        "time_ids",
        "img_ids.shape",
        "txt_ids.shape",
        "guidance",
        "down_block_res_samples.count",
        "mid_block_res_sample.shape",
    }
)

#: Observables that need the VAE.
NEEDS_VAE: frozenset[str] = frozenset({"image.shape", "video.shape"})

#: Model families by the pipeline a model folder names (`model_index.json` `_class_name`);
#: `controlnet` is chosen by a probe's `controlnet:` on an SD 1.5 model.
PIPELINE_FAMILIES: dict[str, str] = {
    "StableDiffusionPipeline": "sd15",
    "StableDiffusionImg2ImgPipeline": "sd15",
    "StableDiffusionInpaintPipeline": "sd15",
    "StableDiffusionXLPipeline": "sdxl",
    "StableDiffusionXLImg2ImgPipeline": "sdxl",
    "StableDiffusion3Pipeline": "sd3",
    "FluxPipeline": "flux",
    "WanPipeline": "wan",
}
FAMILY_NAMES: tuple[str, ...] = ("sd15", "sdxl", "sd3", "flux", "controlnet", "wan")

#: Observables only some families have, and which. Any other observable: every family.
FAMILY_OBSERVABLES: dict[str, frozenset[str]] = {
    "pooled_projections.shape": frozenset({"sd3", "flux"}),
    "text_embeds.shape": frozenset({"sdxl"}),
    "time_ids": frozenset({"sdxl"}),
    "img_ids.shape": frozenset({"flux"}),
    "txt_ids.shape": frozenset({"flux"}),
    "guidance": frozenset({"flux"}),
    "down_block_res_samples.count": frozenset({"controlnet"}),
    "mid_block_res_sample.shape": frozenset({"controlnet"}),
    "video.shape": frozenset({"wan"}),
    "image.shape": frozenset({"sd15", "sdxl", "sd3", "flux", "controlnet"}),
}

#: Probe fields only some families read (named after the pipeline argument), and which.
FAMILY_FIELDS: dict[str, frozenset[str]] = {
    "true_cfg_scale": frozenset({"flux"}),
    "num_frames": frozenset({"wan"}),
    "max_sequence_length": frozenset({"sd3", "flux", "wan"}),
    "original_size": frozenset({"sdxl"}),
    "crops_coords_top_left": frozenset({"sdxl"}),
    "target_size": frozenset({"sdxl"}),
    "controlnet_conditioning_scale": frozenset({"controlnet"}),
}

#: Mistakes only some families can make, and which. Any other mistake: every family.
FAMILY_MISTAKES: dict[str, frozenset[str]] = {
    "time_ids_width_first": frozenset({"sdxl"}),
    "no_shift": frozenset({"sd3", "flux"}),
    "unpacked_latents": frozenset({"flux"}),
    "frames_as_latent_frames": frozenset({"wan"}),
    "unscaled_controlnet_residuals": frozenset({"controlnet"}),
    "skip_inpaint_concat": frozenset({"sd15"}),
}

MISTAKES: tuple[str, ...] = (
    "none",
    "skip_set_timesteps",
    "index_as_timestep",
    "step_twice",
    "no_cfg_concat",
    "skip_scale_model_input",
    "skip_inpaint_concat",
    "time_ids_width_first",
    "no_shift",
    "unpacked_latents",
    "frames_as_latent_frames",
    "unscaled_controlnet_residuals",
)

Mistake = Literal[
    "none",
    "skip_set_timesteps",
    "index_as_timestep",
    "step_twice",
    "no_cfg_concat",
    "skip_scale_model_input",
    "skip_inpaint_concat",
    "time_ids_width_first",
    "no_shift",
    "unpacked_latents",
    "frames_as_latent_frames",
    "unscaled_controlnet_residuals",
]


def observable_kind(observe: str) -> ObservableKind | None:
    """The kind of value `observe` yields, or None when it is not in the vocabulary."""
    kind = OBSERVABLES.get(observe)
    if kind is not None:
        return kind
    match = INDEXED_OBSERVABLE.match(observe.replace(" ", ""))
    if match is None:
        return None
    indices = match.group("index").split(",")
    if len(indices) not in INDEXED_ARITY[match.group("name")]:
        return None
    return "number"


def parse_indexed(observe: str) -> tuple[str, tuple[int, ...]] | None:
    """Split `prev_sample[0,1,2,3]` into ("prev_sample", (0, 1, 2, 3)); None if not indexed."""
    match = INDEXED_OBSERVABLE.match(observe.replace(" ", ""))
    if match is None:
        return None
    return match.group("name"), tuple(int(i) for i in match.group("index").split(","))


def describe_observables() -> str:
    """One line listing the vocabulary, for error messages."""
    fixed = ", ".join(OBSERVABLES)
    return f"{fixed}, prev_sample[i,j,k,l], pred_original_sample[i,j,k,l], alphas_cumprod[t]"
