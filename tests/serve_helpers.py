"""Start `quizapp serve` on a free port for a test, and stop it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
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
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port), *args],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
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

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
