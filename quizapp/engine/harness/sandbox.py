"""Run learner code in a forked child of the code server, with limits, and judge each case.

The server has torch imported, tiny-sd loaded and the cases built (expected outputs and
mistake outputs computed by trusted code) before it forks, so a child starts warm and runs
only the learner's code. Limits: a wall-clock timeout (the parent SIGKILLs the child's
process group), an address-space cap (RLIMIT_AS) so a runaway allocation ends in
MemoryError, stdout/stderr captured through a pipe of which the first 4 KB are kept, and a
fresh temporary folder as the working directory. The child reports one JSON line per event
on a second pipe, so a timeout still shows the cases that finished.

This is not a security boundary: the code runs as the user, on their machine.
"""

from __future__ import annotations

import contextlib
import copy
import json
import linecache
import os
import resource
import select
import shutil
import signal
import sys
import tempfile
import time
from typing import Any

import torch

from quizapp.engine.harness.base import Case

FILENAME = "solution.py"
OUTPUT_LIMIT = 4096
DEFAULT_MEMORY_MB = 1024
_ALLOC_MARKERS = ("can't allocate memory", "DefaultCPUAllocator", "out of memory")

#: Descriptors the child must not inherit open (the server's protocol stream): learner code
#: writing there would corrupt the server's responses.
PRIVATE_FDS: list[int] = []


def run_submission(
    source: str,
    function: str | None,
    cases: list[Case],
    timeout: float,
    memory_mb: int = DEFAULT_MEMORY_MB,
) -> dict[str, Any]:
    """Fork a child that runs `source` and calls `function` on every case.

    Returns:
        {"status", "error", "cases": [row, ...], "output", "output_bytes", "seconds"} where
        status is done, syntax, exception, no_function, timeout, memory or crashed.
    """
    result_r, result_w = os.pipe()
    out_r, out_w = os.pipe()
    workdir = tempfile.mkdtemp(prefix="quizapp-code-")
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the server
        try:
            os.close(result_r)
            os.close(out_r)
            _child(source, function, cases, result_w, out_w, workdir, memory_mb, timeout)
        finally:
            os._exit(0)
    os.close(result_w)
    os.close(out_w)
    try:
        events, output, total, timed_out = _collect(pid, result_r, out_r, started + timeout)
        _, status = os.waitpid(pid, 0)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report = _report(events, cases, status, timed_out, timeout)
    report["output"] = output.decode("utf-8", errors="replace")
    report["output_bytes"] = total
    report["seconds"] = round(time.monotonic() - started, 3)
    return report


def _collect(
    pid: int, result_r: int, out_r: int, deadline: float
) -> tuple[list[dict[str, Any]], bytes, int, bool]:
    """Read both pipes until the child closes them or the deadline passes (then kill it)."""
    lines = b""
    output = bytearray()
    total = 0
    open_fds = {result_r, out_r}
    timed_out = False
    while open_fds:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            break
        ready, _, _ = select.select(list(open_fds), [], [], remaining)
        for fd in ready:
            data = os.read(fd, 65536)
            if not data:
                open_fds.discard(fd)
                os.close(fd)
            elif fd == out_r:
                total += len(data)
                if len(output) < OUTPUT_LIMIT:
                    output += data[: OUTPUT_LIMIT - len(output)]
            else:
                lines += data
    for fd in open_fds:
        if fd == result_r:
            # What the child wrote before it was killed is still in the pipe.
            with contextlib.suppress(OSError):
                os.set_blocking(fd, False)
                while chunk := os.read(fd, 65536):
                    lines += chunk
        os.close(fd)
    events = []
    for line in lines.decode("utf-8", errors="replace").splitlines():
        with contextlib.suppress(ValueError):
            events.append(json.loads(line))
    return events, bytes(output), total, timed_out


def _report(
    events: list[dict[str, Any]],
    cases: list[Case],
    status: int,
    timed_out: bool,
    timeout: float,
) -> dict[str, Any]:
    rows = [event["row"] for event in events if "row" in event]
    started = [event["start"] for event in events if "start" in event]
    final = next((event for event in events if "status" in event), None)
    if final is not None and not timed_out:
        final_status = final["status"]
        if final_status == "done" and any(row.get("memory") for row in rows):
            final_status = "memory"
        return {"status": final_status, "error": final.get("error"), "cases": rows}
    if timed_out:
        kind, error = "timeout", f"timed out after {timeout:g} s"
    elif os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number == signal.SIGXCPU:
            kind, error = "timeout", f"timed out after {timeout:g} s"
        elif number == signal.SIGKILL:
            kind, error = "memory", "memory limit: the process was killed"
        else:
            kind, error = "crashed", f"crashed with {signal.Signals(number).name}"
    else:
        kind, error = "crashed", "the code exited before the cases finished"
    running = started[-1] if started and len(started) > len(rows) else None
    for index, case in enumerate(cases[len(rows) :], start=len(rows)):
        rows.append(
            _row(case, error=error if index == running else "not run", memory=kind == "memory")
        )
    return {"status": kind, "error": error, "cases": rows}


# -- the child --------------------------------------------------------------------------


def _child(
    source: str,
    function: str | None,
    cases: list[Case],
    result_w: int,
    out_w: int,
    workdir: str,
    memory_mb: int,
    timeout: float,
) -> None:
    os.setpgid(0, 0)  # the parent kills the whole group, grandchildren included
    for fd in PRIVATE_FDS:
        with contextlib.suppress(OSError):
            os.close(fd)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out_w, 1)
    os.dup2(out_w, 2)
    os.close(out_w)
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115
    os.chdir(workdir)
    _limit_memory(memory_mb)
    cpu = int(timeout) + 2
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))

    def emit(event: dict[str, Any]) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        data = (json.dumps(event) + "\n").encode()
        while data:
            data = data[os.write(result_w, data) :]

    emit(_run(source, function, cases, emit))


def _limit_memory(memory_mb: int) -> None:
    """Cap the address space at what the warm process maps now plus `memory_mb`."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            mapped = next(
                int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize")
            )
    except (OSError, StopIteration, ValueError):
        return  # no /proc: the wall-clock limit still applies
    cap = mapped + memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _run(source: str, function: str | None, cases: list[Case], emit: Any) -> dict[str, Any]:
    try:
        code = compile(source, FILENAME, "exec")
    except SyntaxError as error:
        return {"status": "syntax", "error": describe_syntax(error, source)}
    except (ValueError, MemoryError) as error:  # e.g. a null byte in the source
        return {"status": "syntax", "error": f"{type(error).__name__}: {error}"}
    linecache.cache[FILENAME] = (len(source), None, source.splitlines(True), FILENAME)
    namespace: dict[str, Any] = {"__name__": "solution", "__file__": FILENAME}
    try:
        exec(code, namespace)
    except BaseException as error:  # the learner's module, whatever it raises
        return {"status": _failure_kind(error), "error": describe_error(error, source)}
    if function is None:
        return {"status": "done", "error": None}
    target = namespace.get(function)
    if not callable(target):
        return {"status": "no_function", "error": f"{FILENAME} defines no function {function}()"}
    for index, case in enumerate(cases):
        emit({"start": index})
        args = copy.deepcopy(case.args, {id(obj): obj for obj in case.shared})
        try:
            with torch.no_grad():
                got = target(*args)
        except BaseException as error:  # reported on the case's row
            kind = _failure_kind(error)
            emit({"row": _row(case, error=describe_error(error, source), memory=kind == "memory")})
            continue
        emit({"row": judge(case, got)})
    return {"status": "done", "error": None}


def _failure_kind(error: BaseException) -> str:
    if isinstance(error, MemoryError) or (
        isinstance(error, RuntimeError) and any(m in str(error) for m in _ALLOC_MARKERS)
    ):
        return "memory"
    return "exception"


def _row(case: Case, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "case": case.label,
        "ok": False,
        "max_abs_err": None,
        "tolerance": f"rtol {case.rtol:g}, atol {case.atol:g}",
        "expected_shape": list(case.expected.shape),
        "got_shape": None,
        "error": None,
        "mistake": None,
        "mistakes": [],
        "memory": False,
    }
    row.update(fields)
    if row["memory"] and row["error"]:
        row["error"] = f"memory limit: {row['error']}"
    return row


def judge(case: Case, got: Any) -> dict[str, Any]:
    """Compare one output with the expected one: shape first, then allclose."""
    if not isinstance(got, torch.Tensor):
        return _row(case, error=f"returned {type(got).__name__}, not a tensor")
    row = _row(case, got_shape=list(got.shape))
    mistakes = [name for name, out in case.mistakes.items() if _close(got, out, case)]
    if tuple(got.shape) != tuple(case.expected.shape):
        row.update(mistakes=mistakes, mistake=mistakes[0] if mistakes else None)
        row["error"] = f"shape {tuple(got.shape)}, expected {tuple(case.expected.shape)}"
        return row
    diff = (got.detach().to(torch.float32) - case.expected).abs()
    worst = float(diff.max()) if diff.numel() else 0.0
    row["max_abs_err"] = worst if worst == worst else None  # NaN is not JSON
    row["ok"] = _close(got, case.expected, case)
    # Kept on passing rows too: a mistake that only shows on some cases (the last step)
    # is told apart from a coarser one by also matching where the output is right.
    row["mistakes"] = mistakes
    if not row["ok"]:
        row["mistake"] = mistakes[0] if mistakes else None
        if worst != worst:
            row["error"] = "the output holds NaN"
    return row


def _close(got: torch.Tensor, want: torch.Tensor | None, case: Case) -> bool:
    if want is None or tuple(got.shape) != tuple(want.shape):
        return False
    return bool(
        torch.allclose(got.detach().to(torch.float32), want, rtol=case.rtol, atol=case.atol)
    )


def describe_syntax(error: SyntaxError, source: str) -> str:
    """`SyntaxError: invalid syntax (line 3: x = = 1)`, with the learner's own line."""
    text = (error.text or _line(source, error.lineno)).strip()
    where = f" (line {error.lineno}: {text})" if error.lineno else ""
    return f"{type(error).__name__}: {error.msg}{where}"


def describe_error(error: BaseException, source: str) -> str:
    """`ValueError: message (line 4: return x / y)`: the deepest line of the learner's file."""
    line = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    message = " ".join(str(error).split())
    if len(message) > 300:
        message = message[:299] + "…"
    head = f"{type(error).__name__}: {message}" if message else type(error).__name__
    if isinstance(error, SystemExit):
        head = f"SystemExit({error.code!r}): the code called exit"
    if line is None:
        return head
    return f"{head} (line {line}: {_line(source, line).strip()})"


def _line(source: str, number: int | None) -> str:
    lines = source.splitlines()
    if number is None or not 1 <= number <= len(lines):
        return ""
    return lines[number - 1]
