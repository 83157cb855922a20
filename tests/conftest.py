"""Shared fixtures. Every test runs with QUIZAPP_HOME in a temp dir: never the real home.

The command line is tested two ways: in-process through `cli.main` (`run_cli`), which is
fast, and as a real child process (`run_process`), kept for one smoke test per command.
In-process commands that run probes or learner code use `warm_engine`: one reference
worker and one code server per test run (the tests using it share one xdist worker),
started once, and a probe cache shared by the run, so torch is imported once instead of
once per command.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from quizapp.cli import main
from quizapp.commands import grading as grading_commands
from quizapp.grading.client import JsonLinesChild, ProbeRunner
from quizapp.grading.code_grading import CODE_SERVER_COMMAND, CodeGrader
from quizapp.grading.service import GradingService, MemoryCache, ProbeCache
from quizapp.store.db import Store

REPO = Path(__file__).parents[1]

#: `run_cli(argv, stdin=None)` → (exit code, stdout, stderr).
RunCli = Callable[..., tuple[int, str, str]]


@pytest.fixture(autouse=True)
def quizapp_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty data dir for each test."""
    home = tmp_path_factory.mktemp("quizapp-home")
    monkeypatch.setenv("QUIZAPP_HOME", str(home))
    return home


@pytest.fixture
def anyio_backend() -> str:
    """Pilot tests run on asyncio."""
    return "asyncio"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh progress store in the test's temp dir."""
    with Store.open(tmp_path / "quizapp.db") as opened:
        yield opened


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> RunCli:
    """Run `quizapp ARGV` in this process, as the console script does (`cli.main`).

    `stdin` is what the command reads from standard input. A traceback shows up as the
    crash handler's "crashed" line and exit 1, as it would for a user.
    """

    def run(argv: list[str], stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            # A text stream over bytes, as a real stdin: answers are read from its buffer.
            text = io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8")
            monkeypatch.setattr(sys, "stdin", text)
        with pytest.raises(SystemExit) as done:
            main(argv)
        out, err = capsys.readouterr()
        code = done.value.code
        return (code if isinstance(code, int) else 1), out, err

    return run


class QuizappProcess:
    """`python -m quizapp` as a real child process, importing this checkout's `quizapp`."""

    command = (sys.executable, "-m", "quizapp")

    @staticmethod
    def env() -> dict[str, str]:
        """This environment (QUIZAPP_HOME is the test's), importing this checkout."""
        return {**os.environ, "PYTHONPATH": str(REPO)}

    def __call__(
        self, *args: str, stdin: str | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run it to the end."""
        return subprocess.run(
            [*self.command, *args],
            capture_output=True,
            text=True,
            timeout=600,
            input=stdin,
            cwd=cwd,
            env=self.env(),
        )

    def popen(self, *args: str) -> subprocess.Popen[str]:
        """Start it and return at once, stdout and stderr piped."""
        return subprocess.Popen(
            [*self.command, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env(),
        )


@pytest.fixture
def run_process() -> QuizappProcess:
    """`quizapp` as a user runs it: a fresh interpreter (so a cold torch import, if any)."""
    return QuizappProcess()


class _Kept(JsonLinesChild):
    """A child process shared by the session: a command's `close()` leaves it running."""

    def close(self) -> None:
        """Kept for the next command; `shut_down` stops it at the end of the session."""

    def shut_down(self) -> None:
        super().close()


class _KeptRunner(_Kept, ProbeRunner):
    """The session's reference worker."""


class _SessionCache:
    """The test's own store first, then what earlier tests of the session computed.

    Every result goes to both, so a command still fills the store it was given.
    """

    def __init__(self, store: ProbeCache | None, shared: MemoryCache) -> None:
        self._store = store
        self._shared = shared

    def cache_get(self, key: str) -> tuple[str, str] | None:
        found = self._store.cache_get(key) if self._store is not None else None
        return found if found is not None else self._shared.cache_get(key)

    def cache_put(self, key: str, value_json: str, trace_json: str) -> None:
        if self._store is not None:
            self._store.cache_put(key, value_json, trace_json)
        self._shared.cache_put(key, value_json, trace_json)


class WarmEngine:
    """One reference worker, one code server and one probe cache for the whole session."""

    def __init__(self) -> None:
        self.worker = _KeptRunner()
        self.code_server = _Kept(list(CODE_SERVER_COMMAND), "the code server")
        self.cache = MemoryCache()

    def start(self) -> None:
        """Start both children (non-blocking: they import torch while other tests run)."""
        self.worker.start()
        self.code_server.start()

    def service(self, store: ProbeCache | None) -> GradingService:
        """What `grading_service()` builds for a command: the warm children, the store."""
        return GradingService(
            cache=_SessionCache(store, self.cache),
            worker_factory=lambda: self.worker,
            code_factory=lambda: CodeGrader(self.code_server),
        )

    def shut_down(self) -> None:
        self.worker.shut_down()
        self.code_server.shut_down()


_ENGINE: WarmEngine | None = None


def _engine() -> WarmEngine:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = WarmEngine()
    return _ENGINE


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests on the warm engine form one xdist group (`--dist loadgroup`): they run on
    one worker, so a run starts one engine, not one per worker."""
    for item in items:
        if "warm_engine" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("warm-engine"))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Without xdist, start the warm engine as soon as a collected test needs it, so that
    its torch imports overlap the tests that run first. (An xdist worker cannot know yet
    whether it will get the group: it starts the engine at the group's first test.)"""
    if session.config.option.collectonly or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    if any("warm_engine" in getattr(item, "fixturenames", ()) for item in session.items):
        _engine().start()


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _ENGINE is not None:
        _ENGINE.shut_down()


@pytest.fixture
def warm_engine(monkeypatch: pytest.MonkeyPatch) -> WarmEngine:
    """In-process commands (`run_cli`) grade with the session's warm engine."""
    engine = _engine()
    engine.start()  # both children at the first such test: the second imports meanwhile
    monkeypatch.setattr(grading_commands, "make_service", engine.service)
    return engine
