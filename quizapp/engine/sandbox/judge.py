"""The judge: the runner's frames and exit status in, one verdict row per case out.

It runs in the code server, which holds the expected and mistake outputs; the runner
never does. Each output is rebuilt from its dtype, shape and bytes (so it is a plain dense
tensor by construction), compared with allclose, matched against each mistake's output,
and counted: a run is `done` only with one row per case, each made here.
"""

from __future__ import annotations

import os
import re
import signal
from typing import Any

import torch

from quizapp.engine.confine.launch import EXIT_CPU
from quizapp.engine.harness.base import Case
from quizapp.engine.sandbox import channel
from quizapp.oneline import one_line

#: What a runner may say a run ended with (anything else is a crash).
_STATUSES = ("done", "syntax", "exception", "no_function", "memory")
#: What a runner may say its function returned, when it was not a plain tensor.
_RETURNED = re.compile(r"[A-Za-z0-9_ .,()-]{1,80}")


def report(
    cases: list[Case],
    frames: list[channel.Frame],
    broken: str | None,
    status: int,
    timed_out: bool,
    timeout: float,
) -> dict[str, Any]:
    """{"status", "error", "cases": [row, ...]} for one run.

    Args:
        cases: The cases, with their expected and mistake outputs.
        frames: What the runner sent, in order.
        broken: Why the channel stopped being read (a broken rule), or None.
        status: The runner's wait status.
        timed_out: The judge killed the run at its deadline.
        timeout: That deadline, in seconds.
    """
    rows: list[dict[str, Any]] = []
    running: int | None = None
    final: dict[str, Any] | None = None
    for header, payload in frames:
        if final is not None:
            broken = broken or "the run sent frames after its last one"
            break
        index = header.get("case", header.get("start"))
        if "status" in header:
            final = header
        elif not isinstance(index, int) or isinstance(index, bool) or index != len(rows):
            broken = broken or "the run sent a case out of order"
            break
        elif index >= len(cases):
            broken = broken or "the run sent more cases than it was given"
            break
        elif "start" in header:
            running = index
        else:
            rows.append(case_row(cases[index], header, payload))
    kind, error = _ending(final, rows, cases, broken, status, timed_out, timeout)
    if final is not None and kind == final.get("status"):
        # The runner's own ending, accepted: a syntax error or an exception at import has
        # no rows, and `done` already has one per case.
        if kind == "done" and any(row["memory"] for row in rows):
            kind = "memory"
        return {"status": kind, "error": error, "cases": rows}
    for index, case in enumerate(cases[len(rows) :], start=len(rows)):
        failed = error if index == running else "not run"
        rows.append(row_for(case, error=failed, memory=kind == "memory"))
    return {"status": kind, "error": error, "cases": rows}


def _ending(
    final: dict[str, Any] | None,
    rows: list[dict[str, Any]],
    cases: list[Case],
    broken: str | None,
    status: int,
    timed_out: bool,
    timeout: float,
) -> tuple[str, str | None]:
    """How the run ended, judged from the exit status first and the runner's word last."""
    timed = f"timed out after {timeout:g} s"
    if timed_out:
        return "timeout", timed
    if broken is not None:  # the judge killed a run whose channel broke a rule
        return "crashed", f"the run broke its channel: {broken}"
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number == signal.SIGXCPU:
            return "timeout", timed
        if number == signal.SIGKILL:
            return "memory", "memory limit: the process was killed"
        return "crashed", f"crashed with {signal.Signals(number).name}"
    code = os.waitstatus_to_exitcode(status)
    if code == EXIT_CPU:
        return "timeout", timed
    if code != 0 or final is None:
        why = f" (exit status {code})" if code else ""
        return "crashed", f"the code exited before the cases finished{why}"
    claimed = final.get("status")
    error = final.get("error")
    text = one_line(error) if isinstance(error, str) else None
    if claimed not in _STATUSES:
        return "crashed", "the run ended with an unknown status"
    if claimed == "done" and len(rows) < len(cases):
        return "crashed", "the code exited before the cases finished"
    return str(claimed), text


def case_row(case: Case, header: dict[str, Any], payload: bytes) -> dict[str, Any]:
    """The row for one case the runner reported on."""
    if "error" in header:
        error = header["error"]
        text = one_line(error) if isinstance(error, str) and error.strip() else "failed"
        return row_for(case, error=text, memory=header.get("memory") is True)
    if "returned" in header:
        what = header["returned"]
        if not isinstance(what, str) or not _RETURNED.fullmatch(what):
            what = "something that is not a tensor"
        return row_for(case, error=f"returned {what}")
    try:
        got = tensor_of(header, payload)
    except ValueError as error:
        return row_for(case, error=f"sent a malformed output: {error}")
    return judge(case, got)


def tensor_of(header: dict[str, Any], payload: bytes) -> torch.Tensor:
    """The output a frame carries, rebuilt here: a plain dense CPU tensor.

    Raises:
        ValueError: the dtype is not a real one, or the shape and the bytes disagree.
    """
    name = header.get("dtype")
    shape = header.get("shape")
    if not isinstance(name, str) or name not in channel.DTYPES:
        raise ValueError(f"dtype {one_line(name, 40)}")
    if (
        not isinstance(shape, list)
        or len(shape) > 16
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape)
    ):
        raise ValueError("its shape is not a list of sizes")
    count = 1
    for size in shape:
        count *= size
    if count * channel.DTYPES[name] != len(payload):
        raise ValueError(f"{len(payload)} bytes for shape {tuple(shape)} of {name}")
    dtype = getattr(torch, name)
    if not payload:
        return torch.empty(shape, dtype=dtype)
    return torch.frombuffer(bytearray(payload), dtype=dtype).reshape(shape)


def row_for(case: Case, **fields: Any) -> dict[str, Any]:
    """A case's row, failing unless `fields` say otherwise."""
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


def judge(case: Case, got: torch.Tensor) -> dict[str, Any]:
    """Compare one output with the expected one: shape first, then allclose."""
    row = row_for(case, got_shape=list(got.shape))
    mistakes = [name for name, out in case.mistakes.items() if _close(got, out, case)]
    if tuple(got.shape) != tuple(case.expected.shape):
        row.update(mistakes=mistakes, mistake=mistakes[0] if mistakes else None)
        row["error"] = f"shape {tuple(got.shape)}, expected {tuple(case.expected.shape)}"
        return row
    diff = (got.to(torch.float32) - case.expected).abs()
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
    return bool(torch.allclose(got.to(torch.float32), want, rtol=case.rtol, atol=case.atol))
