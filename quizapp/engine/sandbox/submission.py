"""One submission, end to end, on the judge's side: start the run, read it, judge it.

Limits: a wall-clock deadline (the zygote SIGKILLs the run's process group), the address
space and CPU caps and the confinement set in the runner (`engine/confine`), the channel's
size caps, and the learner's output (stdout and stderr, one pipe) of which the first 4 KB
are kept. A fresh temporary folder is the run's working directory and the only place it
may write; it is removed whatever happens to the run.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import tempfile
import time
from typing import Any

from quizapp.engine.confine.support import support
from quizapp.engine.harness.base import Case
from quizapp.engine.sandbox import channel, judge
from quizapp.engine.sandbox.zygote import Zygote
from quizapp.grading import confinement_policy

OUTPUT_LIMIT = 4096
DEFAULT_MEMORY_MB = 1024


def refusal() -> str | None:
    """Why this server refuses to run learner code (it must confine it and cannot), or None."""
    if not confinement_policy.required() or support().complete:
        return None
    return (
        f"code questions are off on this server: {support().summary()} "
        "(start `quizapp serve` with --allow-unconfined-code to run them anyway)"
    )


def run(
    zygote: Zygote,
    source: str,
    function: str | None,
    cases: list[Case],
    timeout: float,
    memory_mb: int = DEFAULT_MEMORY_MB,
) -> dict[str, Any]:
    """Run `source` in a confined runner and judge every case.

    Returns:
        {"status", "error", "cases": [row, ...], "output", "output_bytes", "seconds"} where
        status is done, syntax, exception, no_function, timeout, memory or crashed.

    Raises:
        ZygoteDied: the zygote stopped answering.
    """
    key = None
    if cases:
        key = json.dumps([id(case) for case in cases])
        if key not in zygote.loaded:
            zygote.load(key, [(case.args, case.shared) for case in cases])
    workdir = tempfile.mkdtemp(prefix="quizapp-code-")
    started = time.monotonic()
    channel_r, channel_w = os.pipe()
    output_r, output_w = os.pipe()
    try:
        spec = {
            "source": source,
            "function": function,
            "key": key,
            "workdir": workdir,
            "memory_mb": memory_mb,
            "cpu": int(timeout) + 2,
        }
        try:
            pid = zygote.run(spec, channel_w, output_w)
        finally:
            os.close(channel_w)
            os.close(output_w)
        reader, output, total, timed_out = _collect(
            zygote, pid, channel_r, output_r, started + timeout
        )
        status = zygote.wait(pid)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report = judge.report(cases, reader.frames, reader.error, status, timed_out, timeout)
    report["output"] = output.decode("utf-8", errors="replace")
    report["output_bytes"] = total
    report["seconds"] = round(time.monotonic() - started, 3)
    return report


def _collect(
    zygote: Zygote, pid: int, channel_r: int, output_r: int, deadline: float
) -> tuple[channel.Reader, bytes, int, bool]:
    """Read both pipes until the run closes them; kill it at the deadline or when its
    channel breaks a rule."""
    reader = channel.Reader()
    output = bytearray()
    total = 0
    open_fds = {channel_r, output_r}
    timed_out = False
    try:
        while open_fds:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or reader.error is not None:
                timed_out = reader.error is None
                zygote.kill(pid)
                break
            ready, _, _ = select.select(list(open_fds), [], [], remaining)
            for fd in ready:
                data = os.read(fd, 1 << 20)
                if not data:
                    open_fds.discard(fd)
                elif fd == output_r:
                    total += len(data)
                    if len(output) < OUTPUT_LIMIT:
                        output += data[: OUTPUT_LIMIT - len(output)]
                else:
                    reader.feed(data)
        if channel_r in open_fds and reader.error is None:
            # What the run wrote before it was killed is still in the pipe.
            with contextlib.suppress(OSError):
                os.set_blocking(channel_r, False)
                while chunk := os.read(channel_r, 1 << 20):
                    reader.feed(chunk)
    finally:
        os.close(channel_r)
        os.close(output_r)
    return reader, bytes(output), total, timed_out
