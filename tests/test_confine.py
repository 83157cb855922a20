"""Confinement primitives, each tried in a forked run: what the runner can and cannot do.

Every test forks a real run (`launch.start`), runs a small function in the confined runner,
and reads its answer back on a pipe. Where the kernel lacks a primitive the test skips with
the reason `support()` gives.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from quizapp import locations
from quizapp.engine.confine import launch, paths, seccomp
from quizapp.engine.confine.support import support

pytestmark = pytest.mark.skipif(not support().complete, reason=support().summary())

LIMITS = launch.Limits(memory_mb=256, cpu_seconds=20)


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "run"
    folder.mkdir()
    yield folder


def in_run(body: Callable[[], Any], workdir: Path, limits: launch.Limits = LIMITS) -> Any:
    """Run `body` in a confined runner, forked as the zygote does (from PID 1 of new
    namespaces); its return value (JSON), or {"raised": "Type: msg"}."""
    read, write = os.pipe()
    outer = os.fork()
    if outer == 0:
        try:
            launch.enter_namespaces()
            pid = launch.start(str(workdir), None, (write,), limits)
            if pid == 0:
                try:
                    answer = body()
                except BaseException as error:
                    answer = {"raised": f"{type(error).__name__}: {error}"}
                os.write(write, json.dumps(answer).encode())
                os._exit(0)
            os.waitpid(pid, 0)
            launch.reap_leftovers()
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as stream:
        data = stream.read()
    os.waitpid(outer, 0)
    return json.loads(data)


def attempt(action: Callable[[], object]) -> str:
    """'ok', or the name of the exception the action raised."""
    try:
        action()
    except OSError as error:
        return type(error).__name__
    return "ok"


def test_the_summary_is_one_line() -> None:
    summary = support().summary()
    assert "\n" not in summary
    assert summary.startswith("learner code is confined (Landlock ABI")


def test_writes_go_only_to_the_runs_folder(workdir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    home_file = Path(os.environ.get("HOME", "/root")) / "quizapp-confine-probe.txt"

    def body() -> dict[str, str]:
        return {
            "inside": attempt(lambda: (workdir / "a.txt").write_text("x")),
            "beside": attempt(lambda: outside.write_text("x")),
            "tmp": attempt(lambda: Path("/tmp/quizapp-confine-probe").write_text("x")),
            "home": attempt(lambda: home_file.write_text("x")),
            "rename_out": attempt(lambda: os.rename(workdir / "a.txt", tmp_path / "moved")),
            "devnull": attempt(lambda: Path("/dev/null").write_text("x")),
        }

    result = in_run(body, workdir)
    assert result == {
        "inside": "ok",
        "beside": "PermissionError",
        "tmp": "PermissionError",
        "home": "PermissionError",
        "rename_out": "PermissionError",
        "devnull": "ok",
    }
    assert not outside.exists()
    assert not home_file.exists()


def test_the_store_and_the_home_cannot_be_read(workdir: Path, tmp_path: Path) -> None:
    store = Path(os.environ["QUIZAPP_HOME"])
    (store / "progress.sqlite3").write_text("secret")

    def body() -> dict[str, str]:
        return {
            "store": attempt(lambda: (store / "progress.sqlite3").read_text()),
            "listing": attempt(lambda: os.listdir(store)),
            "python": attempt(lambda: Path(os.__file__).read_text()),
            "shadow": attempt(lambda: Path("/etc/shadow").read_text()),
        }

    result = in_run(body, workdir)
    assert result == {
        "store": "PermissionError",
        "listing": "PermissionError",
        "python": "ok",
        "shadow": "PermissionError",
    }


def test_no_socket_opens_and_the_network_is_a_fresh_namespace(workdir: Path) -> None:
    def body() -> dict[str, str]:
        return {
            "inet": attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)),
            "inet6": attempt(lambda: socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)),
            "unix": attempt(lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)),
            "pair": attempt(socket.socketpair),
            "interfaces": " ".join(
                line.split(":")[0].strip()
                for line in Path("/proc/self/net/dev").read_text().splitlines()[2:]
            ),
        }

    result = in_run(body, workdir)
    assert result["inet"] == result["inet6"] == result["unix"] == "PermissionError"
    assert result["pair"] == "ok"
    assert result["interfaces"] == "lo"


def test_the_runner_starts_no_process_but_runs_threads(workdir: Path) -> None:
    def body() -> dict[str, str]:
        seen: list[int] = []
        thread = threading.Thread(target=lambda: seen.append(1))
        thread.start()
        thread.join()
        return {
            "fork": attempt(os.fork),
            "exec": attempt(lambda: os.execv("/bin/true", ["true"])),
            "thread": "ok" if seen == [1] else "no",
        }

    assert in_run(body, workdir) == {
        "fork": "PermissionError",
        "exec": "PermissionError",
        "thread": "ok",
    }


def test_the_memory_cap_is_the_runs_whole_budget(workdir: Path) -> None:
    """A 256 MB cap holds two 100 MB blocks, not three, and no fork can bring a fresh cap."""

    def body() -> dict[str, Any]:
        held: list[bytearray] = []
        try:
            for _ in range(3):
                held.append(bytearray(100 * 1024 * 1024))
        except MemoryError:
            pass
        return {"held": len(held), "fork": attempt(os.fork)}

    assert in_run(body, workdir) == {"held": 2, "fork": "PermissionError"}


def test_the_runner_cannot_signal_or_open_the_fds_of_its_server(workdir: Path) -> None:
    server = os.getpid()
    read, write = os.pipe()  # stands for the protocol stream the runner must not reach

    def body() -> dict[str, str]:
        return {
            "fd": attempt(lambda: open(f"/proc/{server}/fd/{write}", "w")),
            "environ": attempt(lambda: Path(f"/proc/{server}/environ").read_bytes()),
            "kill": attempt(lambda: os.kill(server, 0)),
            "inherited": attempt(lambda: os.write(write, b"forged")),
        }

    try:
        result = in_run(body, workdir)
    finally:
        os.close(write)
    with os.fdopen(read, "rb") as stream:
        leaked = stream.read()
    assert result == {
        "fd": "PermissionError",
        "environ": "PermissionError",
        "kill": result["kill"],
        "inherited": "OSError",
    }
    # Outside its PID namespace the server has no pid the runner can name at all.
    assert result["kill"] in ("PermissionError", "ProcessLookupError")
    assert leaked == b""


def test_the_runner_holds_no_capability(workdir: Path) -> None:
    def body() -> str:
        status = Path("/proc/self/status").read_text()
        return next(line.split()[1] for line in status.splitlines() if line.startswith("CapEff"))

    assert int(in_run(body, workdir), 16) == 0


def test_what_a_run_leaves_behind_dies_after_it() -> None:
    """The namespace alone (no seccomp, which would refuse the fork): a double-forked
    setsid daemon outlives its run's process, and PID 1 kills it after the run."""
    read, write = os.pipe()
    outer = os.fork()
    if outer == 0:
        try:
            assert launch.enter_namespaces()
            run = os.fork()
            if run == 0:
                if os.fork() == 0:
                    os.setsid()
                    if os.fork() == 0:  # the daemon: tells its real pid, then lingers
                        os.write(write, os.readlink("/proc/self").encode() + b"\n")
                        time.sleep(60)
                    os._exit(0)
                os._exit(0)
            os.waitpid(run, 0)
            time.sleep(0.5)  # the daemon is running, reparented to PID 1
            launch.reap_leftovers()
            os.write(write, b"PID 1 lives on\n")  # as the zygote does, for the next run
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as stream:
        daemon, survivor = stream.read().decode().splitlines()
    os.waitpid(outer, 0)
    assert survivor == "PID 1 lives on"
    deadline = time.monotonic() + 10
    while Path(f"/proc/{daemon}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{daemon}").exists()


def test_the_grants_name_no_process_and_nothing_of_the_users_data() -> None:
    granted = [Path(path) for path in paths.readable()]
    assert not any(path.parent == Path("/proc") and path.name.isdigit() for path in granted)
    models = locations.models_dir().resolve()
    for folder in (locations.data_dir().resolve(), locations.content_dir().resolve()):
        assert all(path == models or not paths._inside(path, folder) for path in granted)
    assert Path(os.environ.get("HOME", "/")).resolve() not in granted


def test_the_filter_refuses_clone_without_clone_thread() -> None:
    code = seccomp.program()
    assert code[-1] == (0x06, 0, 0, 0x7FFF0000)  # everything not listed is allowed
    assert (0x45, 0, 1, 0x00010000) in code  # clone is let through with CLONE_THREAD only
