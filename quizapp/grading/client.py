"""The UI-process side of the engine's children: spawn one, talk to it, survive its failures.

`JsonLinesChild` is a child process speaking the typed JSON-lines protocol of
`engine/protocol.py`. `ProbeRunner` is the reference worker (`engine/worker.py`), which runs
probes; `grading/code_grading.CodeGrader` drives the code server through another. This
module must not import torch or diffusers (the UI process never does). A reader thread turns
the child's stdout into a queue so every wait has a deadline, and a second thread drains
stderr so a chatty library can never block the child on a full pipe. A child that crashes,
hangs past its deadline or writes anything but valid answers is killed and reaped; the next
call starts a fresh one.
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
from typing import IO, Any, Self

from quizapp.engine import lifeline, protocol
from quizapp.engine.protocol import PING_ID, AnswerT, Failure, ProbeOutcome, Request, RunProbe
from quizapp.grading.errors import ProbeFailed
from quizapp.packs.models import Probe

__all__ = ["ABANDONED", "JsonLinesChild", "ProbeOutcome", "ProbeRunner"]

_STDERR_LINES = 20


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
    """One call between its start and its answer: waiting for the child or in it."""

    identity: str
    abandoned: threading.Event


class _Process:
    """One spawned child with its reader threads; never reused after it fails."""

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
            # The child watches this process and exits when it dies (engine/lifeline.py).
            env=lifeline.child_environment(),
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
            elif message.get("id") == PING_ID:
                # Any answer to the ping means the worker reads and writes the protocol.
                self.ready.set()
            else:
                self.messages.put(message)
        self.messages.put(_Eof())

    def _read_stderr(self, stream: IO[str]) -> None:
        for line in stream:
            if line.strip():
                self.stderr_tail.append(line.strip())

    def send(self, request_id: int, request: Request) -> None:
        assert self.popen.stdin is not None
        self.popen.stdin.write(protocol.encode_request(request_id, request) + "\n")
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


class JsonLinesChild:
    """A crash- and hang-proof handle on one engine child process.

    Args:
        command: The child's command line; tests substitute fakes.
        name: What the child is, for errors ("the code server").
        timeout: Seconds one request may take once the child is ready.
        startup_timeout: Seconds the child may take to import torch and warm up.
    """

    def __init__(
        self,
        command: list[str],
        name: str,
        timeout: float = 60.0,
        startup_timeout: float = 120.0,
    ) -> None:
        self.command = command
        self.name = name
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self._process: _Process | None = None
        self._lock = threading.Lock()
        self._next_id = PING_ID
        self._pending: list[_Pending] = []
        self._pending_lock = threading.Lock()

    def __enter__(self) -> Self:
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
        """True once the running child has answered the ping (it is warm)."""
        process = self._process
        return process is not None and process.ready.is_set() and process.alive()

    def start(self) -> None:
        """Spawn the child if none is running; returns at once (imports run in the child)."""
        with self._lock:
            self._ensure_process()

    def call(
        self,
        request: Request,
        expected: type[AnswerT],
        timeout: float | None = None,
        identity: str | None = None,
    ) -> AnswerT:
        """Send one request and return its validated answer; blocks until it comes.

        Args:
            request: The request.
            expected: The answer's class.
            timeout: Seconds to wait once the child is ready; default `self.timeout`.
            identity: What makes two calls the same computation, so that `abandon_calls`
                can drop this one.

        Raises:
            ProbeFailed: the child refused the request (its one-line reason), crashed, timed
                out or broke the protocol, or the call was abandoned.
        """
        pending = self._register(identity) if identity is not None else None
        try:
            answer = self._exchange(request, expected, timeout, pending)
        finally:
            if pending is not None:
                with self._pending_lock:
                    self._pending.remove(pending)
        if isinstance(answer, Failure):
            raise ProbeFailed(answer.error)
        return answer

    def abandon_calls(self, identity: str) -> bool:
        """Nobody waits for the calls made with `identity` any more: drop them.

        A call still queued for the child ends at once; one the child is computing is
        stopped by restarting the child (a denoising step cannot be interrupted), so the
        next call starts on a fresh child instead of queueing behind it. Each abandoned
        call raises ProbeFailed(ABANDONED). Returns True if any call was dropped.
        """
        found = False
        with self._pending_lock:
            for pending in self._pending:
                if pending.identity == identity:
                    pending.abandoned.set()
                    found = True
        return found

    def close(self) -> None:
        """Stop the child (end of input first, then kill) and reap it.

        It does not wait for the lock: closing the app must not wait out a hung probe. A
        call in progress then sees the child exit and raises ProbeFailed.
        """
        process, self._process = self._process, None
        if process is not None:
            process.stop(grace=2.0)

    def _exchange(
        self,
        request: Request,
        expected: type[AnswerT],
        timeout: float | None,
        pending: _Pending | None,
    ) -> AnswerT | Failure:
        """Send `request` with the next id and return its answer, validated under the lock
        (a child that answers nonsense is discarded before anyone else can use it)."""
        if pending is not None:
            self._acquire(pending)
        else:
            self._lock.acquire()
        try:
            process = self._ensure_process()
            self._next_id += 1
            request_id = self._next_id
            try:
                process.send(request_id, request)
            except OSError:
                self._discard()
                raise ProbeFailed(process.exit_reason()) from None
            wait = self.timeout if timeout is None else timeout
            message = self._await(process, request_id, wait, pending)
            try:
                return protocol.decode_answer(message, expected)
            except protocol.ProtocolError as error:
                self._discard()
                raise ProbeFailed(f"worker broke the protocol: {error}") from None
        finally:
            self._lock.release()

    def _register(self, identity: str) -> _Pending:
        pending = _Pending(identity, threading.Event())
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
                raise ProbeFailed(f"cannot start {self.name}: {error}") from None
            self._process = process
            try:
                process.send(PING_ID, protocol.Ping())
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

        An abandoned request discards the child too: it is the only way to stop a step.
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


class ProbeRunner(JsonLinesChild):
    """The reference worker (`python -m quizapp.engine.worker`): it runs probes.

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
        default = [sys.executable, "-m", "quizapp.engine.worker"]
        super().__init__(command or default, "the reference worker", timeout, startup_timeout)

    def run(self, probe: Probe, model_path: Path | None) -> ProbeOutcome:
        """Compute `probe`'s value in the worker; blocks until it answers.

        Args:
            probe: The probe to execute.
            model_path: Its resolved model folder, or None for model `none`.

        Raises:
            ProbeFailed: the worker rejected the probe, crashed, timed out or wrote garbage.
        """
        path = str(model_path) if model_path is not None else None
        return self.call(RunProbe(probe, path), ProbeOutcome, identity=_identity(probe, model_path))

    def abandon(self, probe: Probe, model_path: Path | None) -> bool:
        """Nobody waits for `probe` any more: drop its runs (see `abandon_calls`)."""
        return self.abandon_calls(_identity(probe, model_path))


def _identity(probe: Probe, model_path: Path | None) -> str:
    """What makes two runs the same computation: the probe's content and its model folder."""
    return json.dumps([probe.model_dump(mode="json"), str(model_path)], sort_keys=True)
