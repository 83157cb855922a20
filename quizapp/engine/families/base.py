"""The model family interface: what the one loop (`engine/loop.py`) asks of a denoiser.

A model family is one module of `engine/families/` holding one `Family` subclass: the SD 1.5
UNet (`sd15.py`), SDXL (`sdxl.py`), SD3 (`sd3.py`), Flux (`flux.py`), Wan video
(`wan.py`) and an SD 1.5 UNet steered by a ControlNet (`controlnet.py`). The loop owns what
every family shares (the scheduler, the mistakes, the stand-in predictions, the record of
the observed step) and calls a family hook wherever denoisers differ:

- `load`: the networks the denoiser call needs (a UNet; a transformer; a UNet and a
  ControlNet), loaded once per process with `engine/load.load_part`;
- `latent_shape`, `pack`: the shape of the noise the loop draws (4-D images, 5-D video),
  and how the loop carries it (Flux packs 2x2 patches into (B, HW/4, 64); `decode`
  unpacks them to the drawn shape);
- `set_timesteps`: how the scheduler gets its schedule (a flow-matching family passes
  `sigmas` and the resolution-dependent shift `mu`);
- `conditioning`: the stand-in prompt embeddings and whatever else the denoiser takes
  besides the latents (pooled embeddings, SDXL's time ids, Flux's img/txt ids, an
  inpainting mask, a ControlNet image), seeded so values repeat;
- `model_input`, `predict`: the denoiser call, split where stand-in predictions need the
  first half: `model_input` builds the latents' part of the input (the CFG batch,
  `scale_model_input`, channels concatenated), `predict` calls the network(s) with the
  conditioning and returns the prediction the scheduler steps with (guidance applied);
- `decode`: latents to pixels;
- `offers`: which observables the family has (`packs/vocabulary.FAMILY_OBSERVABLES`).

Every hook that records takes the `StepRecord` of the observed iteration, or None on the
others (and in harnesses): record only when it is given.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import torch

from quizapp.engine import load
from quizapp.engine.guidance import Guidance
from quizapp.engine.mistakes import NO_MISTAKE, Mistake
from quizapp.engine.reference.record import StepRecord
from quizapp.packs.vocabulary import FAMILY_OBSERVABLES

#: A latent shape: (B, C, H, W) for images, (B, C, F, H, W) for video.
Shape = tuple[int, ...]


@dataclass(frozen=True)
class Conditioning:
    """What the denoiser takes besides the latents, for one loop.

    Attributes:
        prompt_embeds: The stand-in text embeddings (`encoder_hidden_states`): the
            unconditional half first under CFG, as the pipelines order them.
        extra: Family-specific inputs by name (an inpainting mask and masked-image latents,
            pooled embeddings, time ids, position ids, a control image).
    """

    prompt_embeds: torch.Tensor
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LatentRequest:
    """What a probe asks of the latent shape (`Probe` fields, family-neutral)."""

    batch: int
    height: int
    width: int
    frames: int = 1
    mistake: Mistake = NO_MISTAKE


@dataclass(frozen=True)
class PipelineArgs:
    """The probe's pipeline-call arguments a family reads, named as the pipelines name them.

    Attributes:
        height, width: The image size in pixels.
        guidance_scale: CFG's scale; Flux embeds it instead (`guidance`).
        true_cfg_scale: Flux's real CFG (a second, negative-prompt transformer call) above 1.
        max_sequence_length: The T5 token count (SD3: CLIP's 77 come on top); None: the
            pipeline's default.
        original_size, crops_coords_top_left, target_size: SDXL's time ids, (h, w) pairs;
            None: (height, width), (0, 0), (height, width) as the pipeline defaults them.
        controlnet_conditioning_scale: What the ControlNet's residuals are multiplied by.
    """

    height: int = 512
    width: int = 512
    guidance_scale: float = 1.0
    true_cfg_scale: float = 1.0
    max_sequence_length: int | None = None
    original_size: tuple[int, int] | None = None
    crops_coords_top_left: tuple[int, int] = (0, 0)
    target_size: tuple[int, int] | None = None
    controlnet_conditioning_scale: float = 1.0


NO_ARGS = PipelineArgs()


class Family(ABC):
    """One kind of denoiser, as the loop drives it. Subclasses are stateless singletons."""

    #: Its name in traces and errors, e.g. `sd15`.
    name: ClassVar[str]
    #: `model_index.json` `_class_name`s of the pipelines whose models it runs.
    pipelines: ClassVar[tuple[str, ...]]

    @abstractmethod
    def load(self, model_path: Path) -> Any:
        """The denoiser's networks, loaded once per process.

        Raises:
            ProbeError: the folder lacks a part, or it does not load.
        """

    @abstractmethod
    def latent_shape(self, request: LatentRequest, model_path: Path | None) -> Shape:
        """The shape of the noise the loop draws (before `pack`), for `model_path` or, with
        None (model `none`), for the family's usual layout."""

    def pack(self, latents: torch.Tensor) -> torch.Tensor:
        """The latents as the loop carries them (default: as drawn)."""
        return latents

    def set_timesteps(
        self, scheduler: Any, num_inference_steps: int, shape: Shape, mistake: Mistake = NO_MISTAKE
    ) -> None:
        """Give the scheduler its schedule (default: `set_timesteps(num_inference_steps)`)."""
        scheduler.set_timesteps(num_inference_steps)

    @abstractmethod
    def conditioning(
        self,
        denoiser: Any,
        shape: Shape,
        prompt_length: int,
        cfg: bool,
        seed: int,
        args: PipelineArgs = NO_ARGS,
    ) -> Conditioning:
        """Seeded stand-ins for the prompt's embeddings and the denoiser's other inputs.

        Args:
            denoiser: What `load` returned (its config sizes the embeddings).
            shape: The latent shape (`latent_shape`), batch first.
            prompt_length: Tokens in the stand-in prompt.
            cfg: Whether classifier-free guidance runs (embeddings doubled).
            seed: The probe's seed; each stand-in draws from its own `seed + k` generator.
            args: The pipeline-call arguments (sizes, guidance, time ids, scales).
        """

    @abstractmethod
    def model_input(
        self,
        scheduler: Any,
        latents: torch.Tensor,
        t: Any,
        conditioning: Conditioning | None,
        cfg: bool,
        mistake: Mistake,
        record: StepRecord | None,
    ) -> torch.Tensor:
        """The latents' part of the denoiser's input at timestep `t`.

        Called whether or not the network runs (a stand-in prediction still records the
        input scale); `conditioning` is None when it does not run. Records `input_scale`
        and a trace line when `record` is given.
        """

    @abstractmethod
    def predict(
        self,
        denoiser: Any,
        model_input: torch.Tensor,
        t: Any,
        conditioning: Conditioning,
        guidance: Guidance,
        mistake: Mistake,
        record: StepRecord | None,
    ) -> torch.Tensor:
        """Call the network(s) and return the prediction `scheduler.step` takes (guided).

        Records the denoiser's inputs and outputs (`encoder_hidden_states`, `unet_output`,
        `noise_pred_text`) and their trace lines when `record` is given.
        """

    def guidance_note(self, guidance: Guidance) -> str:
        """How the prediction was guided, appended to the trace's `noise_pred` line."""
        return ""

    @abstractmethod
    def decode(self, model_path: Path, latents: torch.Tensor, shape: Shape) -> torch.Tensor:
        """The pixels of `latents` (what the loop carries, drawn with `shape`: packed latents
        unpack to it), through the model's VAE.

        Raises:
            ProbeError: the model has no VAE, or it does not load.
        """

    def offers(self, observable: str) -> bool:
        """True when the family records `observable` (`packs/vocabulary.FAMILY_OBSERVABLES`)."""
        families = FAMILY_OBSERVABLES.get(observable)
        return families is None or self.name in families


# --- helpers the families share -------------------------------------------------------------

#: Latent downsampling factor when there is no VAE to read it from (model `none`).
DEFAULT_VAE_FACTOR = 8


def vae_factor(model_path: Path | None, default: int = DEFAULT_VAE_FACTOR) -> int:
    """`f = 2 ** (len(vae.config.block_out_channels) - 1)`; `default` without a VAE."""
    if model_path is None or not (model_path / "vae").is_dir():
        return default
    config = load.part_config(model_path, "vae")
    return int(2 ** (len(config["block_out_channels"]) - 1))


def stand_in_embeddings(
    batch: int, prompt_length: int, dim: int, cfg: bool, seed: int
) -> torch.Tensor:
    """Seeded prompt embeddings from `manual_seed(seed + 1)`: uncond, then cond.

    The pipeline's order: the unconditional half first, doubled only under CFG.
    """
    generator = torch.Generator("cpu").manual_seed(seed + 1)
    shape = (batch, prompt_length, dim)
    uncond = torch.randn(shape, generator=generator)
    cond = torch.randn(shape, generator=generator)
    return torch.cat([uncond, cond]) if cfg else cond


def scale_model_input(
    scheduler: Any, model_input: torch.Tensor, t: Any, mistake: Mistake, record: StepRecord | None
) -> torch.Tensor:
    """`scheduler.scale_model_input(model_input, t)` unless the mistake skips it.

    Records the factor it applied (`input_scale`) and a trace line when `record` is given.
    """
    if mistake.scale_model_input and hasattr(scheduler, "scale_model_input"):
        scaled: torch.Tensor = scheduler.scale_model_input(model_input, t)
        if record is not None:
            record.input_scale = _scale_factor(scheduler, model_input, t)
            record.trace.append(f"scale_model_input ×{record.input_scale:.6g}")
        return scaled
    if record is not None:
        record.input_scale = 1.0
        if not mistake.scale_model_input:
            record.trace.append("scale_model_input skipped")
    return model_input


def _scale_factor(scheduler: Any, model_input: torch.Tensor, t: Any) -> float:
    # scale_model_input is idempotent in diffusers (it only initialises step_index), so a
    # second call on ones reads the factor exactly, even when the latents are all zero.
    ones = torch.ones_like(model_input)
    return float(scheduler.scale_model_input(ones, t).mean())


def shape_text(tensor: Any) -> str:
    """`(1, 4, 8, 8)` for a trace line, `none` when there is no tensor."""
    return str(tuple(tensor.shape)) if tensor is not None else "none"
