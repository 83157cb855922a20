"""The plain-data vocabulary stays in step with diffusers and with the implementations."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")
diffusers = pytest.importorskip("diffusers")
from diffusers.utils.import_utils import DummyObject

from quizapp.engine.load import scheduler_class
from quizapp.engine.mistakes import MISTAKES as ENGINE_MISTAKES
from quizapp.engine.reference.errors import ProbeError
from quizapp.engine.reference.observables import INDEXED, OBSERVABLES
from quizapp.packs.harnesses import HARNESSES
from quizapp.packs.vocabulary import (
    INDEXED_ARITY,
    MISTAKES,
    PRED_ORIGINAL_SCHEDULERS,
    SCHEDULER_NEEDS,
    SCHEDULERS,
    SIGMA_SCHEDULERS,
)
from quizapp.packs.vocabulary import (
    OBSERVABLES as VOCABULARY_OBSERVABLES,
)

pytestmark = pytest.mark.torch


def test_schedulers_are_what_diffusers_exports() -> None:
    exported = {name for name in dir(diffusers) if name.endswith("Scheduler")}
    assert exported == SCHEDULERS


def test_every_observable_has_an_implementation() -> None:
    assert set(OBSERVABLES) == set(VOCABULARY_OBSERVABLES)
    assert set(INDEXED) == set(INDEXED_ARITY)


def test_every_mistake_a_probe_or_a_harness_names_is_in_the_one_table() -> None:
    assert set(MISTAKES) <= set(ENGINE_MISTAKES)
    for spec in HARNESSES.values():
        assert set(spec.mistakes) <= set(ENGINE_MISTAKES), spec.name
    named = set(MISTAKES) | {name for spec in HARNESSES.values() for name in spec.mistakes}
    assert set(ENGINE_MISTAKES) == named, "a mistake nothing can name is dead"


def test_schedulers_needing_packages_are_placeholders_here() -> None:
    for name in SCHEDULER_NEEDS:
        assert isinstance(getattr(diffusers, name), DummyObject), name


def _step_output_fields(name: str) -> set[str]:
    import importlib
    import inspect

    module = importlib.import_module(getattr(diffusers, name).__module__)
    fields: set[str] = set()
    for value in vars(module).values():
        if inspect.isclass(value) and value.__name__.endswith("Output"):
            fields |= set(getattr(value, "__dataclass_fields__", {}))
    return fields


def _runnable(name: str) -> bool:
    """Whether the engine runs `name`: not a placeholder, not a deprecated scheduler (which
    diffusers exports as the real class or a placeholder, by which packages are installed)."""
    try:
        scheduler_class(name)
    except ProbeError:
        return False
    return True


def test_pred_original_schedulers_are_those_whose_output_has_it() -> None:
    buildable = {name for name in SCHEDULERS if _runnable(name)}
    offered = {name for name in buildable if "pred_original_sample" in _step_output_fields(name)}
    assert offered == PRED_ORIGINAL_SCHEDULERS & buildable
    # Placeholders (LMS needs scipy) are listed from diffusers' source.
    assert PRED_ORIGINAL_SCHEDULERS - buildable <= set(SCHEDULER_NEEDS)


def test_sigma_schedulers_keep_sigmas_after_set_timesteps() -> None:
    import warnings

    found = set()
    for name in SCHEDULERS - set(SCHEDULER_NEEDS):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                scheduler = getattr(diffusers, name)()
                scheduler.set_timesteps(10)
        except Exception:  # some need constructor arguments: they cannot be in our list
            continue
        if getattr(scheduler, "sigmas", None) is not None:
            found.add(name)
    assert found <= SIGMA_SCHEDULERS
    assert {
        "EulerDiscreteScheduler",
        "DPMSolverMultistepScheduler",
        "HeunDiscreteScheduler",
    } <= found
    assert "DDIMScheduler" not in SIGMA_SCHEDULERS
