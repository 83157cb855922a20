"""An engine child dies with its parent (issue 21): kill the UI-side parent, the child goes.

The parent here starts the child the way the app does (`lifeline.child_environment()`) but
lets it inherit a stdin this test keeps open, so end of input cannot be what ends it: only
the child's watch on its parent can.
"""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import quizapp

PARENT = textwrap.dedent(
    """
    import subprocess, sys, time
    from quizapp.engine import lifeline
    child = subprocess.Popen(sys.argv[1:], env=lifeline.child_environment())
    print(child.pid, flush=True)
    time.sleep(600)
    """
)


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for a reaper has stopped running)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


def orphaned_child_outlives(command: list[str], wait: float = 15.0) -> bool:
    """Start `command` under a parent, SIGKILL the parent: True if the child still runs."""
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, *command],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert alive(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + wait
        while alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        outlives = alive(child)
        if outlives:
            os.kill(child, signal.SIGKILL)
        return outlives
    finally:
        if parent.stdin is not None:
            parent.stdin.close()
        if parent.poll() is None:
            parent.kill()
            parent.wait()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("module", ["quizapp.engine.worker", "quizapp.engine.code_server"])
def test_an_engine_child_dies_when_its_parent_is_killed(module: str) -> None:
    assert not orphaned_child_outlives([sys.executable, "-m", module])


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_the_check_itself_sees_a_child_that_does_not_watch() -> None:
    # The same parent and child without the watch: the child outlives its parent.
    sleeper = [sys.executable, "-c", "import time; time.sleep(30)"]
    assert orphaned_child_outlives(sleeper, wait=1.0)


def test_every_child_watches_its_parent_before_anything_else() -> None:
    engine = Path(quizapp.__file__).parent / "engine"
    for name in ("worker.py", "code_server.py", "fit_worker.py"):
        tree = ast.parse((engine / name).read_text(encoding="utf-8"))
        main = next(
            node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "main"
        )
        calls = [
            node.value.func
            for node in main.body
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
        ]
        first = calls[0]
        assert isinstance(first, ast.Name) and first.id == "watch_parent", name
