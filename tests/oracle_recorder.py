"""Run a real diffusers pipeline built from a tiny model and record what its loop did.

The pipeline-oracle tests (`tests/test_pipeline_oracle_*.py`) compare quizapp with
diffusers' own pipelines. This module builds those pipelines from the bundled tiny models
(no text encoder: the tests pass prompt embeddings) and records, without changing a value:

- every call of each denoiser (UNet, transformer, ControlNet): its arguments, bound to the
  names of its `forward` signature, and its output;
- every `scheduler.step`: model_output, timestep, sample and prev_sample (the latents after
  the step, as the pipeline holds them: packed for Flux);
- the scheduler's `timesteps` and `sigmas` after `set_timesteps`, and the pipeline's output.

Imported by torch test modules only, after their `pytest.importorskip("torch")`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import diffusers
import torch

from quizapp import locations

MODELS = locations.models_dir()


@dataclass
class Call:
    """One call of a denoiser: its arguments by parameter name, and what it returned."""

    args: dict[str, Any]
    output: Any


@dataclass
class Step:
    """One `scheduler.step`: its inputs and the latents it returned."""

    model_output: torch.Tensor
    timestep: torch.Tensor
    sample: torch.Tensor
    prev_sample: torch.Tensor


@dataclass
class Recording:
    """What one pipeline call did, in call order."""

    calls: dict[str, list[Call]] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    timesteps: torch.Tensor | None = None
    sigmas: torch.Tensor | None = None
    output: Any = None

    def first(self, part: str) -> Call:
        """The first call of `part` (the denoiser at step 0)."""
        return self.calls[part][0]


def _detached(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, dict):
        return {key: _detached(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_detached(item) for item in value)
    return value


def _record_forward(module: Any, calls: list[Call]) -> None:
    """Replace `module.forward` on the instance by one that records, then calls it."""
    original = module.forward
    signature = inspect.signature(original)

    # wraps: pipelines inspect the signatures of what they call (`sigmas` in set_timesteps).
    @functools.wraps(original)
    def forward(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        output = original(*args, **kwargs)
        calls.append(Call(_detached(dict(bound.arguments)), _detached(output)))
        return output

    module.forward = forward


def _record_scheduler(scheduler: Any, recording: Recording) -> None:
    set_timesteps, step = scheduler.set_timesteps, scheduler.step

    @functools.wraps(set_timesteps)
    def recorded_set_timesteps(*args: Any, **kwargs: Any) -> Any:
        result = set_timesteps(*args, **kwargs)
        recording.timesteps = scheduler.timesteps.clone()
        sigmas = getattr(scheduler, "sigmas", None)
        recording.sigmas = sigmas.clone() if isinstance(sigmas, torch.Tensor) else None
        return result

    @functools.wraps(step)
    def recorded_step(model_output: Any, timestep: Any, sample: Any, *args: Any, **kw: Any) -> Any:
        result = step(model_output, timestep, sample, *args, **kw)
        prev = result[0] if isinstance(result, tuple) else result.prev_sample
        recording.steps.append(Step(*_detached((model_output, timestep, sample, prev))))
        return result

    scheduler.set_timesteps = recorded_set_timesteps
    scheduler.step = recorded_step


@contextmanager
def recorded(pipeline: Any, parts: tuple[str, ...]) -> Iterator[Recording]:
    """Record the named denoiser `parts` and the scheduler of `pipeline` while inside."""
    recording = Recording()
    for part in parts:
        recording.calls[part] = []
        _record_forward(getattr(pipeline, part), recording.calls[part])
    _record_scheduler(pipeline.scheduler, recording)
    try:
        yield recording
    finally:
        # The wrappers are instance attributes: deleting them restores the class's methods,
        # so one loaded pipeline serves many recordings.
        for part in parts:
            del getattr(pipeline, part).forward
        del pipeline.scheduler.set_timesteps, pipeline.scheduler.step


def run(pipeline: Any, parts: tuple[str, ...], **call: Any) -> Recording:
    """Call `pipeline(**call)` once under `torch.no_grad`, recording `parts`."""
    torch.set_num_threads(1)  # as the reference worker: values repeat bit for bit
    with recorded(pipeline, parts) as recording, torch.no_grad():
        recording.output = pipeline(**call)
    return recording


def _without_text_encoders(cls: Any) -> dict[str, None]:
    components, _ = cls._get_signature_keys(cls)
    return {name: None for name in components if name.startswith(("text_encoder", "tokenizer"))}


def pipeline(cls_name: str, model: str, **components: Any) -> Any:
    """`cls_name.from_pretrained(content/models/model)` without text encoders, on CPU."""
    cls = getattr(diffusers, cls_name)
    kwargs: dict[str, Any] = {**_without_text_encoders(cls), **components}
    loaded = cls.from_pretrained(str(MODELS / model), local_files_only=True, **kwargs)
    loaded.set_progress_bar_config(disable=True)
    return loaded


def randn(*shape: int, seed: int) -> torch.Tensor:
    """Seeded CPU noise, as quizapp's loop draws it."""
    return torch.randn(shape, generator=torch.Generator("cpu").manual_seed(seed))


def generator(seed: int = 0) -> torch.Generator:
    return torch.Generator("cpu").manual_seed(seed)


# --- quizapp's loop against a recording ----------------------------------------------------


def close(got: Any, expected: Any, what: str) -> None:
    """Exact shapes, values to rtol 1e-5 (the issue's bar for the oracle)."""
    assert tuple(got.shape) == tuple(expected.shape), f"{what}: shape"
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-6, msg=what)


def quizapp_run(probe: Any, model: str) -> tuple[Any, Any, Any]:
    """quizapp's probe loop for `probe` on bundled `model`, and the family's stand-in
    conditioning (what the pipeline must be given to compute the same thing).

    Returns:
        (StepRecord, Conditioning, denoiser)
    """
    from quizapp.engine.families import family_for
    from quizapp.engine.reference.probe_loop import controlnet_path, pipeline_args, run_loop

    path = MODELS / model
    record = run_loop(probe, path)
    assert record.error is None, record.error
    family = family_for(path, controlnet_path(probe))
    denoiser = family.load(path)
    cfg = probe.guidance_scale > 1
    conditioning = family.conditioning(
        denoiser, record.shape, probe.prompt_length, cfg, probe.seed, pipeline_args(probe)
    )
    return record, conditioning, denoiser


def halves(tensor: torch.Tensor, cfg: bool) -> tuple[torch.Tensor | None, torch.Tensor]:
    """(negative, positive) of a CFG-ordered batch (uncond first); (None, all) without CFG."""
    if not cfg:
        return None, tensor
    negative, positive = tensor.chunk(2)
    return negative, positive


def same_step(record: Any, recording: Recording, step: int) -> None:
    """The observed iteration's latents in and out equal the pipeline's at that step."""
    piped = recording.steps[step]
    close(record.latents, piped.sample, f"latents entering step {step}")
    close(record.noise_pred, piped.model_output, f"noise_pred at step {step}")
    close(record.prev_sample, piped.prev_sample, f"prev_sample at step {step}")
    assert float(record.timestep) == float(piped.timestep), f"t at step {step}"
