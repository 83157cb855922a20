"""The plain-data vocabulary stays in step with diffusers and with the implementations."""

from __future__ import annotations

import diffusers
import pytest
from diffusers.utils.import_utils import DummyObject

from quizapp.grading.reference.mistakes import POLICIES
from quizapp.grading.reference.observables import INDEXED, OBSERVABLES
from quizapp.packs.vocabulary import (
    INDEXED_ARITY,
    MISTAKES,
    SCHEDULER_NEEDS,
    SCHEDULERS,
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


def test_every_mistake_has_a_policy() -> None:
    assert set(POLICIES) == set(MISTAKES)


def test_schedulers_needing_packages_are_placeholders_here() -> None:
    for name in SCHEDULER_NEEDS:
        assert isinstance(getattr(diffusers, name), DummyObject), name
