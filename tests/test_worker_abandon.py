"""An abandoned probe never blocks the next one: queued it is dropped, running it is stopped."""

from __future__ import annotations

import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from quizapp.grading.client import ABANDONED, ProbeRunner
from quizapp.grading.errors import ProbeFailed
from quizapp.grading.service import GradingService
from quizapp.packs.models import NumericQuestion, Probe

# Answers at once, except a probe with seed 1 ("the slow question"), which takes 10 minutes.
FAKE = textwrap.dedent(
    """
    import json, sys, time
    for line in sys.stdin:
        request = json.loads(line)
        if request["kind"] == "ping":
            print(json.dumps({"id": 0, "ok": True, "ready": True}), flush=True)
            continue
        if request["probe"]["seed"] == 1:
            time.sleep(600)
        reply = {"id": request["id"], "ok": True, "value": 7.0, "trace": [],
                 "versions": {"torch": "fake", "diffusers": "fake"}}
        print(json.dumps(reply), flush=True)
    """
)
SLOW = Probe(model="none", scheduler="DDIMScheduler", noise_pred="random", observe="sigma", seed=1)
QUICK = SLOW.model_copy(update={"seed": 2})


@pytest.fixture
def worker(tmp_path: Path) -> ProbeRunner:
    script = tmp_path / "fake.py"
    script.write_text(FAKE)
    return ProbeRunner(timeout=600, command=[sys.executable, str(script)])


def in_thread(worker: ProbeRunner, probe: Probe) -> tuple[threading.Thread, list[object]]:
    out: list[object] = []

    def run() -> None:
        try:
            out.append(worker.run(probe, None).value)
        except ProbeFailed as failure:
            out.append(failure.reason)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


def wait_until_running(worker: ProbeRunner) -> None:
    for _ in range(200):
        if worker.ready and worker._lock.locked():
            return
        time.sleep(0.05)
    raise AssertionError("the slow probe never started")


def test_abandoning_the_running_probe_frees_the_worker(worker: ProbeRunner) -> None:
    with worker:
        slow, slow_out = in_thread(worker, SLOW)
        wait_until_running(worker)
        quick, quick_out = in_thread(worker, QUICK)
        assert worker.abandon(SLOW, None)
        quick.join(timeout=30)
        slow.join(timeout=30)
        assert slow_out == [ABANDONED]
        assert quick_out == [7.0]  # on a fresh worker, not after 600 s


def test_abandoning_a_queued_probe_drops_it(worker: ProbeRunner) -> None:
    with worker:
        first, first_out = in_thread(worker, SLOW)
        wait_until_running(worker)
        queued, queued_out = in_thread(worker, QUICK)
        time.sleep(0.3)
        assert worker.abandon(QUICK, None)
        queued.join(timeout=5)
        assert queued_out == [ABANDONED]
        worker.abandon(SLOW, None)
        first.join(timeout=30)
        assert first_out == [ABANDONED]


def test_abandon_after_the_answer_changes_nothing(worker: ProbeRunner) -> None:
    with worker:
        assert worker.run(QUICK, None).value == 7.0
        assert not worker.abandon(QUICK, None)
        assert worker.run(QUICK, None).value == 7.0


def test_service_abandons_the_question_left(worker: ProbeRunner) -> None:
    question = NumericQuestion(
        id="q",
        type="numeric",
        origin="mechanism",
        topic="t",
        difficulty=1,
        prompt="?",
        probe=SLOW,
    )
    service = GradingService(worker_factory=lambda: worker)
    try:
        service.warm_up()
        out: list[str] = []
        thread = threading.Thread(
            target=lambda: out.append(service.grade(question, "1", None).detail)
        )
        thread.start()
        wait_until_running(worker)
        service.abandon(question, None)
        thread.join(timeout=30)
        assert out == [f"could not grade: {ABANDONED}"]
    finally:
        service.close()
