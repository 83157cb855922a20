"""Start `quizapp serve` on a free port for a test, and stop it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PACKS = Path(__file__).parent / "web"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Served:
    """A running `quizapp serve` and what it printed first."""

    def __init__(self, args: list[str], home: Path) -> None:
        self.port = free_port()
        environment = {**os.environ, "QUIZAPP_HOME": str(home)}
        command = [sys.executable, "-m", "quizapp", "--packs", str(PACKS), "serve"]
        # Open as long as the server runs (and read after it stops): no `with` fits.
        self._stderr = tempfile.TemporaryFile("w+")  # noqa: SIM115
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port), *args],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        assert self.process.stdout is not None
        self.banner = [self.process.stdout.readline()]
        if "--host" in args:
            self.banner += [self.process.stdout.readline(), self.process.stdout.readline()]
        self._wait_listening()

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise AssertionError(f"quizapp serve never listened on {self.port}: {self.banner}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def stderr(self) -> str:
        """What the server has written to stderr so far."""
        self._stderr.seek(0)
        return self._stderr.read()

    def app_processes(self) -> list[int]:
        """The pids of the app processes (`python -m quizapp`) the server runs, oldest first."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
        found: list[int] = []
        todo = [self.process.pid]
        while todo:
            for child in children.get(todo.pop(), []):
                todo.append(child)
                try:
                    argv = (Path("/proc") / str(child) / "cmdline").read_bytes().split(b"\0")
                except OSError:
                    continue
                if argv[1:3] == [b"-m", b"quizapp"]:
                    found.append(child)
        return sorted(found)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
