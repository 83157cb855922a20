"""The zygote: a warm process that has never held an expected output, forking the runners.

The code server forks it right after warming up (torch, diffusers and tiny-sd loaded),
before it builds any case, so nothing the judge computes later is in its memory. The judge
sends it each harness's case inputs (pickled: both sides are trusted code, and the runner
can reach neither end of the socket) and then, per submission, the source and the two
pipes the runner writes to. The warm objects a case passes as they are (the UNet) cross as
names, so the runner gets the zygote's own copy instead of a pickled one.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import signal
import socket
import struct
from typing import Any

from quizapp.engine.confine import launch, paths, privileges
from quizapp.engine.harness import base
from quizapp.engine.sandbox import runner

_LENGTH = struct.Struct("<I")


class ZygoteDied(Exception):
    """The zygote stopped answering (the code server should exit and be restarted)."""


_CURRENT: list[Zygote] = []
_DIED: list[str] = []


def current(private: tuple[int, ...] = ()) -> Zygote:
    """This server's zygote, forked on first use (the code server forks it right after its
    warm-up; tests that call the server in-process get one on their first run)."""
    if not _CURRENT:
        _CURRENT.append(Zygote.start(private))
    return _CURRENT[0]


def died() -> bool:
    """True once the zygote has stopped answering."""
    return bool(_DIED)


def _warm() -> dict[str, Any]:
    """The objects both processes hold from the warm-up, by name."""
    return {"unet": base.unet()}


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=5)
        self._names = {id(obj): name for name, obj in _warm().items()}

    def persistent_id(self, obj: Any) -> str | None:
        return self._names.get(id(obj))


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        return _warm()[pid]


class Zygote:
    """The judge's handle on its zygote."""

    def __init__(self, pid: int, sock: socket.socket) -> None:
        self.pid = pid
        self._sock = sock
        self.loaded: set[str] = set()

    @classmethod
    def start(cls, private: tuple[int, ...]) -> Zygote:
        """Fork the zygote from this (warm) process; `private` are descriptors it closes."""
        ours, theirs = socket.socketpair()
        paths.readable()  # computed once here, inherited by every runner
        pid = os.fork()
        if pid == 0:
            try:
                ours.close()
                _serve(theirs, private)
            finally:
                os._exit(0)
        theirs.close()
        return cls(pid, ours)

    def load(self, key: str, inputs: list[runner.Inputs]) -> None:
        """Give the zygote the inputs of a set of cases, under `key`."""
        buffer = io.BytesIO()
        _Pickler(buffer).dump(inputs)
        self._send({"load": key}, buffer.getvalue())
        self._answer()
        self.loaded.add(key)

    def run(self, spec: dict[str, Any], channel_w: int, output_w: int) -> int:
        """Start a runner for `spec` writing to these pipes; its pid, as the zygote sees it."""
        self._send({"run": spec}, fds=[channel_w, output_w])
        return int(self._answer()["pid"])

    def kill(self, pid: int) -> None:
        """SIGKILL a run the zygote started, and its process group."""
        self._send({"kill": pid})
        self._answer()

    def wait(self, pid: int) -> int:
        """The wait status of a run the zygote started."""
        self._send({"wait": pid})
        return int(self._answer()["status"])

    def close(self) -> None:
        """End the zygote (it exits when its socket closes) and reap it."""
        self._sock.close()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)

    def _send(
        self, message: dict[str, Any], payload: bytes = b"", fds: list[int] | None = None
    ) -> None:
        try:
            _send(self._sock, message, payload, fds or [])
        except OSError as error:
            raise self._died(str(error)) from error

    def _answer(self) -> dict[str, Any]:
        try:
            message, _, _ = _receive(self._sock)
        except (OSError, ValueError) as error:
            raise self._died(str(error)) from error
        if message is None:
            raise self._died("the zygote exited")
        if "error" in message:
            raise ZygoteDied(str(message["error"]))
        return message

    def _died(self, why: str) -> ZygoteDied:
        _DIED.append(why)
        return ZygoteDied(why)


def _send(sock: socket.socket, message: dict[str, Any], payload: bytes, fds: list[int]) -> None:
    """One message: its JSON and payload lengths, the JSON, the payload; `fds` ride along
    on the message's first bytes."""
    data = json.dumps(message).encode()
    head = _LENGTH.pack(len(data)) + data + _LENGTH.pack(len(payload))
    sent = socket.send_fds(sock, [head], fds) if fds else 0
    sock.sendall(head[sent:] + payload)


def _receive(sock: socket.socket) -> tuple[dict[str, Any] | None, bytes, list[int]]:
    """The next message, its payload and the descriptors it carried; None at the end."""
    first, fds, _, _ = socket.recv_fds(sock, _LENGTH.size, 2)
    rest = _exactly(sock, _LENGTH.size - len(first)) if first else None
    if rest is None:
        return None, b"", fds
    data = _exactly(sock, _LENGTH.unpack(first + rest)[0])
    length = _exactly(sock, _LENGTH.size)
    if data is None or length is None:
        return None, b"", fds
    payload = _exactly(sock, _LENGTH.unpack(length)[0]) or b""
    return json.loads(data), payload, fds


def _exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks)


def _reply(sock: socket.socket, message: dict[str, Any]) -> None:
    _send(sock, message, b"", [])


def _serve(sock: socket.socket, private: tuple[int, ...]) -> None:
    """The zygote's loop: load inputs, start runners, reap them; exits when the judge does."""
    privileges.die_with_parent()
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    for fd in private:
        if fd > 2:  # 0 and 1 now hold /dev/null, so a received descriptor never lands there
            with contextlib.suppress(OSError):
                os.close(fd)
    # From here on, in new PID, network and IPC namespaces (where the kernel has them).
    launch.enter_namespaces()
    inputs: dict[str, list[runner.Inputs]] = {}
    while True:
        message, payload, fds = _receive(sock)
        if message is None:
            return
        try:
            if "load" in message:
                inputs[str(message["load"])] = _Unpickler(io.BytesIO(payload)).load()
                _reply(sock, {"ok": True})
            elif "run" in message:
                pid = _start(message["run"], fds, inputs)
                _reply(sock, {"pid": pid})
            elif "kill" in message:
                _kill(int(message["kill"]))
                _reply(sock, {"ok": True})
            elif "wait" in message:
                _, status = os.waitpid(int(message["wait"]), 0)
                launch.reap_leftovers()
                _reply(sock, {"status": status})
        except Exception as error:  # a bug here must reach the judge, not end the zygote
            _reply(sock, {"error": f"{type(error).__name__}: {error}"})


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _start(spec: dict[str, Any], fds: list[int], inputs: dict[str, list[runner.Inputs]]) -> int:
    channel_w, output_w = fds
    limits = launch.Limits(memory_mb=int(spec["memory_mb"]), cpu_seconds=int(spec["cpu"]))
    pid = launch.start(str(spec["workdir"]), output_w, (channel_w,), limits)
    if pid == 0:  # the runner: whatever happens, it never returns into this loop
        code = 1
        try:
            key = spec.get("key")
            cases = inputs.get(key, []) if isinstance(key, str) else []
            runner.main(spec["source"], spec.get("function"), cases, channel_w)
            code = 0
        finally:
            os._exit(code)
    os.close(channel_w)
    os.close(output_w)
    return pid
