"""Entry point of the executed reference: a probe in, a value and a trace out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from quizapp.grading.reference.errors import ProbeError
from quizapp.grading.reference.loop import run_loop
from quizapp.grading.reference.observables import observe
from quizapp.packs.models import MODEL_NONE, Probe, Value
from quizapp.packs.vocabulary import NEEDS_UNET, NEEDS_VAE


@dataclass(frozen=True)
class ProbeResult:
    """The probe's value and what ran to produce it."""

    value: Value
    trace: tuple[str, ...]


def run_probe(probe: Probe, model_path: Path | None) -> ProbeResult:
    """Run the reference loop of `probe` and read its observable.

    Args:
        probe: The validated probe.
        model_path: Its resolved model folder (`modelref.resolve_model`), None for `none`.

    Raises:
        ProbeError: a one-line reason why this probe has no value.
    """
    check_offered(probe, model_path)
    record = run_loop(probe, model_path)
    value = observe(record, probe.observe)
    return ProbeResult(value=value, trace=(*record.trace, f"{probe.observe} = {value}"))


def check_offered(probe: Probe, model_path: Path | None) -> None:
    """Fail before running when the probe asks for what it cannot have.

    Raises:
        ProbeError: a UNet observable without the UNet, or an image without a VAE.
    """
    if probe.observe in NEEDS_UNET and probe.noise_pred != "model":
        raise ProbeError(f"{probe.observe} exists only when the UNet runs (noise_pred: model)")
    if probe.observe in NEEDS_VAE and (model_path is None or probe.model == MODEL_NONE):
        raise ProbeError(f"{probe.observe} needs a model with a VAE (model is `none`)")
