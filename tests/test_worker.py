"""The reference worker process and its client: a real round trip, and fakes that misbehave."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from quizapp import locations
from quizapp.grading.client import ProbeOutcome, ReferenceWorker
from quizapp.grading.errors import ProbeFailed
from quizapp.packs.models import Probe

SD = {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}
EULER_SCALE = Probe(
    model="none",
    scheduler="EulerDiscreteScheduler",
    scheduler_config=SD,
    num_inference_steps=10,
    noise_pred={"fill": 0.0},
    observe="input_scale",
)

# A fake worker speaking the protocol. MODE misbehaves on the first request of the first
# process only (a marker file remembers it); afterwards it answers every request with 42.
FAKE = textwrap.dedent(
    """
    import json, os, sys, time
    mode, marker = sys.argv[1], sys.argv[2]
    if mode == "silent":
        time.sleep(600)
    first = not os.path.exists(marker)
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("ping"):
            print(json.dumps({"id": 0, "ok": True, "ready": True}), flush=True)
            continue
        if first:
            open(marker, "w").close()
            first = False
            if mode == "crash":
                print("boom: simulated crash", file=sys.stderr, flush=True)
                sys.exit(3)
            if mode == "hang":
                time.sleep(600)
            if mode == "garbage":
                print("this is not json", flush=True)
                continue
        reply = {"id": request["id"], "ok": True, "value": 42.0, "trace": ["fake"],
                 "versions": {"torch": "fake", "diffusers": "fake"}}
        print(json.dumps(reply), flush=True)
    """
)


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    script = tmp_path / "fake_worker.py"
    script.write_text(FAKE)
    yield script, tmp_path / "marker"


def fake_worker(fake: tuple[Path, Path], mode: str, **kwargs: float) -> ReferenceWorker:
    script, marker = fake
    return ReferenceWorker(command=[sys.executable, str(script), mode, str(marker)], **kwargs)


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("crash", "worker exited with code 3: boom: simulated crash"),
        ("hang", "timed out after 1 s"),
        ("garbage", "worker broke the protocol: 'this is not json'"),
    ],
)
def test_failure_is_probe_failed_and_next_call_restarts(
    fake: tuple[Path, Path], mode: str, reason: str
) -> None:
    with fake_worker(fake, mode, timeout=1.0, startup_timeout=10.0) as worker:
        first = worker._process
        assert first is not None
        with pytest.raises(ProbeFailed) as failure:
            worker.run(EULER_SCALE, None)
        assert failure.value.reason == reason
        # The failed process was reaped, not left as a zombie.
        assert first.popen.returncode is not None
        assert worker.run(EULER_SCALE, None).value == 42.0
        assert worker._process is not first


def test_worker_that_never_starts(fake: tuple[Path, Path]) -> None:
    with fake_worker(fake, "silent", timeout=0.5, startup_timeout=1.0) as worker:
        started = time.monotonic()
        with pytest.raises(ProbeFailed, match=r"did not start within 1 s"):
            worker.run(EULER_SCALE, None)
        assert time.monotonic() - started < 5
        assert not worker.ready


def test_missing_command_is_probe_failed(tmp_path: Path) -> None:
    worker = ReferenceWorker(command=[str(tmp_path / "no-such-worker")])
    with pytest.raises(ProbeFailed, match="cannot start the reference worker"):
        worker.run(EULER_SCALE, None)
    worker.close()


def test_close_reaps_the_process(fake: tuple[Path, Path]) -> None:
    worker = fake_worker(fake, "ok")
    worker.start()
    process = worker._process
    assert process is not None
    deadline = time.monotonic() + 10
    while not worker.ready and time.monotonic() < deadline:
        time.sleep(0.02)
    assert worker.ready
    worker.close()
    assert process.popen.returncode is not None
    assert not worker.ready


def test_client_and_probekey_do_not_import_torch() -> None:
    code = (
        "import sys, quizapp.grading.client, quizapp.grading.probekey; "
        "print(sorted(m for m in ('torch', 'diffusers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- the real worker -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_worker() -> Iterator[ReferenceWorker]:
    worker = ReferenceWorker(timeout=60.0)
    worker.start()
    yield worker
    worker.close()


@pytest.mark.torch
def test_real_worker_round_trip(real_worker: ReferenceWorker) -> None:
    outcome = real_worker.run(EULER_SCALE, None)
    assert isinstance(outcome, ProbeOutcome)
    assert isinstance(outcome.value, float)
    assert abs(outcome.value - 0.068265) < 1e-6
    assert set(outcome.versions) == {"torch", "diffusers"}
    assert any("EulerDiscreteScheduler" in line for line in outcome.trace)
    assert real_worker.ready


@pytest.mark.torch
def test_real_worker_runs_tiny_sd_cfg(real_worker: ReferenceWorker) -> None:
    probe = Probe(
        scheduler="EulerDiscreteScheduler",
        guidance_scale=7.5,
        mistake="skip_scale_model_input",  # logs a diffusers warning: must not reach stdout
        observe="unet_output.shape",
    )
    outcome = real_worker.run(probe, locations.models_dir() / "tiny-sd")
    assert outcome.value == [2, 4, 64, 64]
    assert "encoder_hidden_states (2, 77, 768)" in outcome.trace


@pytest.mark.torch
def test_real_worker_reports_probe_errors_and_keeps_going(real_worker: ReferenceWorker) -> None:
    process = real_worker._process
    lms = Probe(model="none", scheduler="LMSDiscreteScheduler", observe="timesteps")
    with pytest.raises(ProbeFailed, match="needs the scipy package"):
        real_worker.run(lms, None)
    past = EULER_SCALE.model_copy(update={"step": 10})
    with pytest.raises(ProbeFailed, match="step 10 is past the end"):
        real_worker.run(past, None)
    assert real_worker.run(EULER_SCALE, None).value == pytest.approx(0.068265, rel=1e-4)
    assert real_worker._process is process  # a probe error is not a crash


@pytest.mark.torch
def test_real_worker_protocol_on_the_wire() -> None:
    requests = [
        {"id": 0, "ping": True},
        "not json",
        {"id": 7, "probe": {"scheduler": "DDIMScheduler"}, "model_path": None},
        {"id": 8, "probe": EULER_SCALE.model_dump(mode="json"), "model_path": None},
    ]
    stdin = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in requests)
    done = subprocess.run(
        [sys.executable, "-m", "quizapp.engine.worker"],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    responses = [json.loads(line) for line in done.stdout.splitlines()]
    assert responses[0] == {"id": 0, "ok": True, "ready": True}
    assert responses[1]["ok"] is False and responses[1]["error"].startswith("bad request")
    assert responses[2]["id"] == 7 and responses[2]["error"].startswith("bad probe: observe")
    assert responses[3]["id"] == 8 and responses[3]["ok"] is True
    assert len(responses) == 4


def test_close_interrupts_a_hung_run(fake: tuple[Path, Path]) -> None:
    worker = fake_worker(fake, "hang", timeout=30.0, startup_timeout=10.0)
    failures: list[str] = []

    def run() -> None:
        try:
            worker.run(EULER_SCALE, None)
        except ProbeFailed as failure:
            failures.append(failure.reason)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(1.0)
    started = time.monotonic()
    worker.close()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert time.monotonic() - started < 8
    assert failures and failures[0].startswith("worker exited with code")
