"""Entry point of the executed reference: a probe in, a value and a trace out."""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from quizapp.engine.families import family_for
from quizapp.engine.reference.errors import ProbeError
from quizapp.engine.reference.observables import observe
from quizapp.engine.reference.probe_loop import controlnet_path, run_loop
from quizapp.engine.reference.record import StepRecord
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
    record = _loop(probe, model_path)
    shared = len(record.trace)
    try:
        value = observe(record, probe.observe)
        trace = (*record.trace, f"{probe.observe} = {value}")
    finally:
        del record.trace[shared:]  # an observable's own trace lines belong to this probe only
    return ProbeResult(value=value, trace=trace)


#: Loop runs kept for probes that differ only in `observe`: a family's computed traps
#: (`{observe: X}`) read the same loop as its answer, so each variant's loop runs once.
_RECENT: OrderedDict[str, StepRecord] = OrderedDict()
_RECENT_SIZE = 4


def _loop(probe: Probe, model_path: Path | None) -> StepRecord:
    data = probe.model_dump(mode="json", exclude={"observe"})
    key = json.dumps([data, str(model_path)], sort_keys=True)
    record = _RECENT.get(key)
    if record is None:
        record = run_loop(probe, model_path)
        _RECENT[key] = record
        while len(_RECENT) > _RECENT_SIZE:
            _RECENT.popitem(last=False)
    _RECENT.move_to_end(key)
    return record


def check_offered(probe: Probe, model_path: Path | None) -> None:
    """Fail before running when the probe asks for what it cannot have.

    Raises:
        ProbeError: an observable the model's family does not offer, a UNet observable
            without the UNet, or an image without a VAE.
    """
    family = family_for(model_path, controlnet_path(probe))
    if not family.offers(probe.observe):
        raise ProbeError(f"the {family.name} model family does not offer {probe.observe}")
    if probe.observe in NEEDS_UNET and probe.noise_pred != "model":
        raise ProbeError(f"{probe.observe} exists only when the UNet runs (noise_pred: model)")
    if probe.observe in NEEDS_VAE and (model_path is None or probe.model == MODEL_NONE):
        raise ProbeError(f"{probe.observe} needs a model with a VAE (model is `none`)")
