"""GradingService: typed references need no worker; failures become ungraded results."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from quizapp.grading.client import ProbeRunner
from quizapp.grading.probekey import probe_key
from quizapp.grading.result import GradeResult
from quizapp.grading.service import GradingService, MemoryCache
from quizapp.packs.loader import load_pack

PROBED = load_pack(Path(__file__).parent / "packs" / "probed" / "probed.yaml")
ALPHA = PROBED.pack.questions[0]
TYPED = PROBED.pack.questions[2]


def fake_worker(script: str, timeout: float = 2.0) -> ProbeRunner:
    return ProbeRunner(
        timeout=timeout, startup_timeout=timeout, command=[sys.executable, "-c", script]
    )


def test_typed_question_needs_no_worker() -> None:
    def factory() -> ProbeRunner:
        raise AssertionError("a typed question must not start the worker")

    service = GradingService(worker_factory=factory)
    assert service.grade(TYPED, "(1, 4, 64, 64)", None).correct is True
    assert service.grade(TYPED, "2x4x64x64", None).correct is False
    assert service.warm_up_for([TYPED]) is False


def test_cached_reference_needs_no_worker() -> None:
    cache = MemoryCache()
    assert ALPHA.probe is not None
    cache.cache_put(probe_key(ALPHA.probe, None), json.dumps(0.276332), json.dumps(["cached"]))

    def factory() -> ProbeRunner:
        raise AssertionError("a cached probe must not start the worker")

    service = GradingService(cache=cache, worker_factory=factory)
    result = service.grade(ALPHA, "0.2763", None)
    assert result.correct is True
    assert result.trace == ("cached",)
    trap = service.grade(ALPHA, "0.077797", None)
    assert trap.correct is False and trap.trap and "scaled_linear" in trap.trap


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ("import sys; sys.exit(3)", "exit"),
        ("import time; time.sleep(60)", "did not start within 1 s"),
        ("print('garbage', flush=True); import time; time.sleep(60)", ""),
    ],
)
def test_dead_or_hanging_worker_gives_could_not_grade(script: str, reason: str) -> None:
    service = GradingService(worker_factory=lambda: fake_worker(script, timeout=1.0))
    try:
        result = service.grade(ALPHA, "0.2763", None)
    finally:
        service.close()
    assert result.correct is None
    assert result.detail.startswith("could not grade: ")
    assert reason in result.detail.lower()
    # The learner's other questions still grade.
    assert service.grade(TYPED, "1x4x64x64", None).correct is True


@pytest.mark.torch
def test_real_worker_computes_and_caches() -> None:
    cache = MemoryCache()
    service = GradingService(cache=cache)
    try:
        result = service.grade(ALPHA, "0.27633", None)
        assert result.correct is True, result
        assert any("DDPMScheduler" in line for line in result.trace)
        raised = service.grade(PROBED.pack.questions[1], "valueerror", None)
        assert raised.correct is True
    finally:
        service.close()
    assert ALPHA.probe is not None
    row = cache.cache_get(probe_key(ALPHA.probe, None))
    assert row is not None and abs(json.loads(row[0]) - 0.276332) < 1e-6


def test_ungraded_results_are_built_one_way() -> None:
    result = GradeResult.ungraded("worker exited\n  with code 3", "  0.5 ")
    assert result == GradeResult(None, "?", "0.5", "could not grade: worker exited with code 3")
    assert not result.graded
    assert GradeResult.ungraded("", "x").detail == "could not grade: unexpected error"
