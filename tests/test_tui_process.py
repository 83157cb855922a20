"""The app as a real process: killed mid-session it loses no answer; it never imports torch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from quizapp import locations
from quizapp.store.db import Store

DRIVER = Path(__file__).parent / "ui" / "drive_session.py"


def driver(mode: str) -> subprocess.Popen[str]:
    # QUIZAPP_HOME comes from the autouse fixture through the environment.
    return subprocess.Popen(
        [sys.executable, str(DRIVER), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


@pytest.mark.slow
def test_sigkill_mid_session_keeps_every_answer() -> None:
    process = driver("kill")
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.strip() == "ANSWERED 2", process.stderr.read() if process.stderr else ""
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    with Store.open(locations.db_path()) as store:
        reviews = store.reviews()
        assert [(r.question_id, r.correct) for r in reviews] == [
            ("choice-noise", True),
            ("shape-latent", True),
        ]
        # The second answer was graded but not yet rated: its card is scheduled anyway.
        assert set(store.cards()) == {("ui-basics", "choice-noise"), ("ui-basics", "shape-latent")}


@pytest.mark.slow
def test_ui_process_never_imports_torch() -> None:
    process = driver("modules")
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    report = json.loads(out.strip().splitlines()[-1])
    assert report["screen"] == "SummaryScreen"
    assert report["reviews"] == 7
    modules = set(report["modules"])
    assert "textual" in modules
    assert not {"torch", "diffusers", "safetensors", "numpy"} & modules, sorted(
        {"torch", "diffusers", "safetensors", "numpy"} & modules
    )
