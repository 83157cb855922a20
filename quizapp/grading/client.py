"""The UI-process side of the reference worker: spawn it, send probes, survive its failures.

This module must not import torch or diffusers (the UI process never does). The worker is a
child process speaking JSON lines (see `engine/worker.py`); a reader thread turns its stdout
into a queue so every wait has a deadline, and a second thread drains stderr so a chatty
library can never block the child on a full pipe. A worker that crashes, hangs past its
deadline or writes garbage is killed and reaped; the next `run` starts a fresh one.
"""

from __future__ import annotations

import collections
import contextlib
import json
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from quizapp.grading.errors import ProbeFailed
from quizapp.packs.models import Probe

_PING_ID = 0
_STDERR_LINES = 20


@dataclass(frozen=True)
class ProbeOutcome:
    """What the worker computed for one probe.

    Attributes:
        value: The observed value: list[int], float, list[float] or str.
        trace: What ran, line by line (versions, scheduler, t, shapes).
        versions: {"torch": ..., "diffusers": ...} of the worker that computed it.
    """

    value: Any
    trace: tuple[str, ...]
    versions: dict[str, str]


@dataclass
class _Eof:
    """The worker's stdout closed."""


@dataclass
class _Garbage:
    """The worker wrote a line that is not a JSON object."""

    line: str


_Message = dict[str, Any] | _Eof | _Garbage

#: Why a run ends when the screen that asked for it went away.
ABANDONED = "abandoned: the question was left before its reference was computed"
#: How often a waiting run looks at whether it was abandoned, in seconds.
_POLL = 0.1


@dataclass
class _Pending:
    """One `run` between its call and its answer: waiting for the worker or in it."""

    probe_json: str
    model: str
    abandoned: threading.Event


class _Process:
    """One spawned worker with its reader threads; never reused after it fails."""

    def __init__(self, command: list[str]) -> None:
        self.started = time.monotonic()
        self.messages: queue.Queue[_Message] = queue.Queue()
        self.ready = threading.Event()
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=_STDERR_LINES)
        self.popen = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
        )
        assert self.popen.stdout is not None and self.popen.stderr is not None
        self._threads = [
            threading.Thread(target=self._read_stdout, args=(self.popen.stdout,), daemon=True),
            threading.Thread(target=self._read_stderr, args=(self.popen.stderr,), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _read_stdout(self, stream: IO[str]) -> None:
        for line in stream:
            if not line.strip():
                continue
            try:
                message = json.loads(line)
            except ValueError:
                self.messages.put(_Garbage(line.strip()))
                continue
            if not isinstance(message, dict):
                self.messages.put(_Garbage(line.strip()))
            elif message.get("id") == _PING_ID:
                # Any answer to the ping means the worker reads and writes the protocol.
                self.ready.set()
            else:
                self.messages.put(message)
        self.messages.put(_Eof())

    def _read_stderr(self, stream: IO[str]) -> None:
        for line in stream:
            if line.strip():
                self.stderr_tail.append(line.strip())

    def send(self, message: dict[str, Any]) -> None:
        assert self.popen.stdin is not None
        self.popen.stdin.write(json.dumps(message) + "\n")
        self.popen.stdin.flush()

    def alive(self) -> bool:
        return self.popen.poll() is None

    def exit_reason(self) -> str:
        """Why the worker stopped, with the last line it wrote on stderr."""
        try:
            code = self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "worker closed its output but did not exit"
        # The stderr reader ends at EOF, right after the exit; let it catch the last words.
        self._threads[1].join(timeout=1.0)
        tail = next((line for line in reversed(self.stderr_tail) if line), "")
        where = f": {tail[:200]}" if tail else ""
        return f"worker exited with code {code}{where}"

    def stop(self, grace: float = 0.0) -> None:
        """End the process and reap it, so no zombie is left behind."""
        if self.popen.stdin is not None and not self.popen.stdin.closed:
            # A healthy worker exits at end of input; a broken pipe means it is already gone.
            with contextlib.suppress(OSError):
                self.popen.stdin.close()
        if grace > 0:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=grace)  # still running after it: killed below
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()
        for thread in self._threads:
            thread.join(timeout=1.0)
        for stream in (self.popen.stdout, self.popen.stderr):
            if stream is not None:
                stream.close()


def _identity(probe: Probe, model_path: Path | None) -> tuple[str, str]:
    """What makes two runs the same computation: the probe's content and its model folder."""
    return json.dumps(probe.model_dump(mode="json"), sort_keys=True), str(model_path)


class ReferenceWorker:
    """A crash- and hang-proof handle on the reference worker process.

    Args:
        timeout: Seconds one probe may take once the worker is ready.
        startup_timeout: Seconds the worker may take to import torch and diffusers.
        command: The worker command line; tests substitute fake workers. Defaults to
            `python -m quizapp.engine.worker` with this interpreter.
    """

    def __init__(
        self,
        timeout: float = 60.0,
        startup_timeout: float = 120.0,
        command: list[str] | None = None,
    ) -> None:
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self.command = command or [sys.executable, "-m", "quizapp.engine.worker"]
        self._process: _Process | None = None
        self._lock = threading.Lock()
        self._next_id = _PING_ID
        self._pending: list[_Pending] = []
        self._pending_lock = threading.Lock()

    def __enter__(self) -> ReferenceWorker:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def ready(self) -> bool:
        """True once the running worker has imported torch and diffusers."""
        process = self._process
        return process is not None and process.ready.is_set() and process.alive()

    def start(self) -> None:
        """Spawn the worker if none is running; returns at once (imports run in the child)."""
        with self._lock:
            self._ensure_process()

    def run(self, probe: Probe, model_path: Path | None) -> ProbeOutcome:
        """Compute `probe`'s value in the worker; blocks until it answers.

        Args:
            probe: The probe to execute.
            model_path: Its resolved model folder, or None for model `none`.

        Raises:
            ProbeFailed: the worker rejected the probe, crashed, timed out or wrote garbage.
        """
        request = {
            "probe": probe.model_dump(mode="json"),
            "model_path": str(model_path) if model_path is not None else None,
        }
        pending = self._register(probe, model_path)
        try:
            response = self.call(request, pending=pending)
        finally:
            with self._pending_lock:
                self._pending.remove(pending)
        if not response.get("ok"):
            raise ProbeFailed(str(response.get("error") or "worker gave no reason"))
        trace = response.get("trace") or []
        versions = response.get("versions") or {}
        return ProbeOutcome(
            value=response.get("value"),
            trace=tuple(str(line) for line in trace),
            versions={str(k): str(v) for k, v in versions.items()},
        )

    def call(
        self,
        request: dict[str, Any],
        timeout: float | None = None,
        pending: _Pending | None = None,
    ) -> dict[str, Any]:
        """Send one request (an id is added) and return the response; blocks until it comes.

        Args:
            request: The JSON object to send.
            timeout: Seconds to wait once the worker is ready; default `self.timeout`.
            pending: The probe run this request is, so that `abandon` can drop it.

        Raises:
            ProbeFailed: the worker crashed, timed out or wrote garbage, or the run was
                abandoned.
        """
        if pending is not None:
            self._acquire(pending)
        else:
            self._lock.acquire()
        try:
            process = self._ensure_process()
            self._next_id += 1
            request_id = self._next_id
            try:
                process.send({"id": request_id, **request})
            except OSError:
                self._discard()
                raise ProbeFailed(process.exit_reason()) from None
            wait = self.timeout if timeout is None else timeout
            return self._await(process, request_id, wait, pending)
        finally:
            self._lock.release()

    def abandon(self, probe: Probe, model_path: Path | None) -> bool:
        """Nobody waits for `probe` any more: drop its runs, so later probes need not wait.

        A run still queued for the worker ends at once; one the worker is computing is
        stopped by restarting the worker (a denoising step cannot be interrupted), so the
        next question's probe starts on a fresh worker instead of queueing behind it. Each
        abandoned `run` raises ProbeFailed(ABANDONED). Returns True if any run was dropped.
        """
        probe_json, model = _identity(probe, model_path)
        found = False
        with self._pending_lock:
            for pending in self._pending:
                if pending.probe_json == probe_json and pending.model == model:
                    pending.abandoned.set()
                    found = True
        return found

    def close(self) -> None:
        """Stop the worker (end of input first, then kill) and reap it.

        It does not wait for the lock: closing the app must not wait out a hung probe. A
        `run` in progress then sees the worker exit and raises ProbeFailed.
        """
        process, self._process = self._process, None
        if process is not None:
            process.stop(grace=2.0)

    def _register(self, probe: Probe, model_path: Path | None) -> _Pending:
        probe_json, model = _identity(probe, model_path)
        pending = _Pending(probe_json, model, threading.Event())
        with self._pending_lock:
            self._pending.append(pending)
        return pending

    def _acquire(self, pending: _Pending) -> None:
        """Take the worker's lock, unless the run is abandoned while it waits for it."""
        while not self._lock.acquire(timeout=_POLL):
            if pending.abandoned.is_set():
                raise ProbeFailed(ABANDONED)
        if pending.abandoned.is_set():
            self._lock.release()
            raise ProbeFailed(ABANDONED)

    def _ensure_process(self) -> _Process:
        if self._process is not None and not self._process.alive():
            self._discard()
        if self._process is None:
            try:
                process = _Process(self.command)
            except OSError as error:
                raise ProbeFailed(f"cannot start the reference worker: {error}") from None
            self._process = process
            try:
                process.send({"id": _PING_ID, "ping": True})
            except OSError:
                # A worker that dies at once closes its stdin before the ping: say why it died.
                reason = process.exit_reason()
                self._discard()
                raise ProbeFailed(reason) from None
        return self._process

    def _discard(self) -> None:
        if self._process is not None:
            self._process.stop()
            self._process = None

    def _await(
        self, process: _Process, request_id: int, timeout: float, pending: _Pending | None
    ) -> dict[str, Any]:
        """The response to `request_id`, within the deadline; discards the worker on failure.

        An abandoned request discards the worker too: it is the only way to stop a step.
        """
        now = time.monotonic()
        was_ready = process.ready.is_set()
        # Until the worker is ready the clock is the startup budget; once it is, the request
        # (queued behind the ping) gets the full per-probe timeout from that moment.
        deadline = (
            now + timeout
            if was_ready
            else max(process.started + self.startup_timeout, now + timeout)
        )
        while True:
            if not was_ready and process.ready.is_set():
                was_ready = True
                deadline = time.monotonic() + timeout
            if pending is not None and pending.abandoned.is_set():
                self._discard()
                raise ProbeFailed(ABANDONED)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._discard()
                if was_ready:
                    raise ProbeFailed(f"timed out after {timeout:g} s")
                raise ProbeFailed(f"worker did not start within {self.startup_timeout:g} s")
            try:
                # Short waits so that readiness (an Event, not a queue item) resets the clock.
                message = process.messages.get(timeout=min(remaining, _POLL))
            except queue.Empty:
                continue
            if isinstance(message, _Eof):
                reason = process.exit_reason()
                self._discard()
                raise ProbeFailed(reason)
            if isinstance(message, _Garbage):
                self._discard()
                raise ProbeFailed(f"worker broke the protocol: {message.line[:120]!r}")
            if message.get("id") == request_id:
                return message
            # A response without our id (a bad-request echo) is not ours; keep waiting.
