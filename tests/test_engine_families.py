"""Model families: the registry picks one per model, and the one loop drives any family."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, ClassVar

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

from quizapp import locations
from quizapp.engine.families import DEFAULT, family_for, sd15
from quizapp.engine.families.base import (
    NO_ARGS,
    Conditioning,
    Family,
    LatentRequest,
    PipelineArgs,
    Shape,
)
from quizapp.engine.guidance import Guidance
from quizapp.engine.harness import base as harness_base
from quizapp.engine.loop import Loop
from quizapp.engine.mistakes import NO_MISTAKE, Mistake, mistake_named
from quizapp.engine.reference.errors import ProbeError
from quizapp.engine.reference.record import StepRecord

pytestmark = pytest.mark.torch


def test_the_bundled_models_and_none_are_sd15() -> None:
    for model in ("tiny-sd", "tiny-sd-inpaint"):
        assert family_for(locations.models_dir() / model) is sd15.FAMILY
    assert family_for(None) is DEFAULT is sd15.FAMILY


def test_a_pipeline_no_family_runs_is_a_one_line_error(tmp_path: Path) -> None:
    folder = tmp_path / "flux"
    shutil.copytree(locations.models_dir() / "tiny-sd", folder)
    (folder / "model_index.json").write_text(json.dumps({"_class_name": "NoSuchPipeline"}))
    with pytest.raises(ProbeError, match="no model family runs NoSuchPipeline") as caught:
        family_for(folder)
    assert "\n" not in str(caught.value)


class Packed(Family):
    """A toy family with the hooks a Flux-like model overrides: packed latents, its own
    schedule, a denoiser that is not a UNet."""

    name: ClassVar[str] = "packed"
    pipelines: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        self.calls: list[str] = []

    def load(self, model_path: Path) -> Any:
        return lambda x, t, embeds: torch.zeros_like(x)

    def latent_shape(self, request: LatentRequest, model_path: Path | None) -> Shape:
        return (request.batch, 4, request.height // 8, request.width // 8)

    def pack(self, latents: Any) -> Any:
        self.calls.append("pack")
        b, c, h, w = latents.shape
        return latents.reshape(b, c * h * w // 16, 16)

    def set_timesteps(
        self, scheduler: Any, num_inference_steps: int, shape: Shape, mistake: Mistake = NO_MISTAKE
    ) -> None:
        self.calls.append(f"set_timesteps {shape}")
        scheduler.set_timesteps(num_inference_steps)

    def conditioning(
        self,
        denoiser: Any,
        shape: Shape,
        prompt_length: int,
        cfg: bool,
        seed: int,
        args: PipelineArgs = NO_ARGS,
    ) -> Conditioning:
        return Conditioning(torch.zeros(shape[0], prompt_length, 8))

    def model_input(
        self,
        scheduler: Any,
        latents: Any,
        t: Any,
        conditioning: Conditioning | None,
        cfg: bool,
        mistake: Mistake,
        record: StepRecord | None,
    ) -> Any:
        self.calls.append("model_input")
        return latents

    def predict(
        self,
        denoiser: Any,
        model_input: Any,
        t: Any,
        conditioning: Conditioning,
        guidance: Guidance,
        mistake: Mistake,
        record: StepRecord | None,
    ) -> Any:
        self.calls.append("predict")
        return denoiser(model_input, t, conditioning.prompt_embeds)

    def decode(self, model_path: Path, latents: Any, shape: Shape) -> Any:
        return latents


def test_the_loop_calls_every_family_hook_and_carries_packed_latents() -> None:
    family = Packed()
    scheduler = harness_base.scheduler("DDIMScheduler")
    shape = family.latent_shape(LatentRequest(1, 64, 64), None)
    denoiser = family.load(Path())
    loop = Loop(
        family,
        scheduler,
        Guidance(1.0),
        denoiser,
        family.conditioning(denoiser, shape, 4, False, 0),
    )
    assert loop.set_timesteps(3, shape)
    latents = loop.initial_latents(torch.ones(shape))
    record = StepRecord(family=family)
    out = loop.run(latents, record=record)
    assert out.shape == (1, 16, 16)
    assert record.latents.shape == (1, 16, 16) and record.noise_pred.shape == (1, 16, 16)
    assert family.calls == ["set_timesteps (1, 4, 8, 8)", "pack"] + ["model_input", "predict"] * 3


def test_a_mistake_bends_probes_and_harnesses_through_the_same_code() -> None:
    # The model_input harness and a probe's loop both build the input with the family hook.
    scheduler = harness_base.scheduler("EulerDiscreteScheduler")
    scheduler.set_timesteps(10)
    t = scheduler.timesteps[0]
    latents = torch.ones(1, 4, 8, 8)
    right = sd15.FAMILY.model_input(scheduler, latents, t, None, True, NO_MISTAKE, None)
    skipped = mistake_named("skip_scale_model_input")
    wrong = sd15.FAMILY.model_input(scheduler, latents, t, None, True, skipped, None)
    single = sd15.FAMILY.model_input(
        scheduler, latents, t, None, True, mistake_named("no_cfg_concat"), None
    )
    assert right.shape == wrong.shape == (2, 4, 8, 8) and single.shape == (1, 4, 8, 8)
    assert torch.equal(wrong, torch.cat([latents] * 2))
    assert not torch.allclose(right, wrong)
