"""The SDXL family: SD 1.5's loop plus SDXL's added conditions (`text_time`).

Runs `tiny-sdxl`. As `StableDiffusionXLPipeline.__call__` does: the UNet gets, besides the
CFG batch of latents and the (B, L, 2048) prompt embeddings, `added_cond_kwargs` with the
pooled `text_embeds` (B, 1280) and `time_ids` = original_size + crops_coords_top_left +
target_size, six numbers as (height, width) pairs, doubled (uncond first) under CFG and
then repeated once per image. The pooled stand-ins draw from `manual_seed(seed + 4)`
(uncond, then cond), as the prompt embeddings draw from `seed + 1`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import torch

from quizapp.engine.families import sd15
from quizapp.engine.families.base import (
    NO_ARGS,
    Conditioning,
    PipelineArgs,
    Shape,
    shape_text,
    stand_in_embeddings,
)
from quizapp.engine.guidance import Guidance
from quizapp.engine.mistakes import Mistake
from quizapp.engine.reference.record import StepRecord


def time_ids(args: PipelineArgs, mistake: Mistake) -> list[int]:
    """`_get_add_time_ids`: original_size + crops_coords_top_left + target_size.

    Sizes default to the image's (height, width); the `time_ids_width_first` mistake
    writes every pair as (width, height).
    """
    size = (args.height, args.width)
    pairs = [args.original_size or size, args.crops_coords_top_left, args.target_size or size]
    if mistake.time_ids_width_first:
        pairs = [(pair[1], pair[0]) for pair in pairs]
    return [int(value) for pair in pairs for value in pair]


class SDXL(sd15.SD15):
    """SDXL's UNet: SD 1.5's CFG batch and `scale_model_input`, plus text_embeds and time ids."""

    name: ClassVar[str] = "sdxl"
    pipelines: ClassVar[tuple[str, ...]] = (
        "StableDiffusionXLPipeline",
        "StableDiffusionXLImg2ImgPipeline",
    )

    def conditioning(
        self,
        denoiser: Any,
        shape: Shape,
        prompt_length: int,
        cfg: bool,
        seed: int,
        args: PipelineArgs = NO_ARGS,
    ) -> Conditioning:
        """Prompt embeddings, pooled `text_embeds` and the six time ids, CFG-doubled."""
        config = denoiser.config
        embeds = stand_in_embeddings(
            shape[0], prompt_length, int(config.cross_attention_dim), cfg, seed
        )
        # The add embedding takes 6 time ids x addition_time_embed_dim plus the pooled dim.
        pooled_dim = int(config.projection_class_embeddings_input_dim) - 6 * int(
            config.addition_time_embed_dim
        )
        # stand_in_embeddings draws from its seed + 1: these come from manual_seed(seed + 4).
        pooled = stand_in_embeddings(shape[0], 1, pooled_dim, cfg, seed + 3)[:, 0]
        return Conditioning(embeds, {"pooled": pooled, "args": args})

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
        """`unet(x, t, encoder_hidden_states, added_cond_kwargs=...)`, then CFG."""
        extra = conditioning.extra
        ids = time_ids(extra["args"], mistake)
        rows = torch.tensor([ids], dtype=conditioning.prompt_embeds.dtype)
        if guidance.cfg:
            rows = torch.cat([rows, rows])  # negative_add_time_ids, then add_time_ids
        images = model_input.shape[0] // (2 if guidance.cfg else 1)
        added = {"text_embeds": extra["pooled"], "time_ids": rows.repeat(images, 1)}
        if record is not None:
            record.inputs.update(added)
            record.trace.append(f"text_embeds {shape_text(added['text_embeds'])}")
            record.trace.append(f"time_ids {ids}")
        return self.guided_unet_call(
            denoiser,
            model_input,
            t,
            conditioning,
            guidance,
            mistake,
            record,
            added_cond_kwargs=added,
        )


FAMILY = SDXL()
