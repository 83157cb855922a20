"""The runner: what runs in the confined process, next to the learner's code.

It execs the source, calls the function on a copy of each case's inputs and writes each
raw output on the channel (`channel.py`). It knows no expected output and decides nothing:
whatever the learner patches here (torch, this module, `sys.modules`, gc) can change only
what the runner sends, and the judge checks that as it would anything else.
"""

from __future__ import annotations

import copy
import linecache
import sys
from typing import Any

import torch

from quizapp.engine.sandbox import channel
from quizapp.oneline import one_line

FILENAME = "solution.py"
_ALLOC_MARKERS = ("can't allocate memory", "DefaultCPUAllocator", "out of memory")

#: One case's inputs: the positional arguments, and the objects passed as they are.
Inputs = tuple[tuple[Any, ...], tuple[Any, ...]]


def main(source: str, function: str | None, cases: list[Inputs], fd: int) -> None:
    """Run the submission; the last frame says how the run ended."""
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115

    def send(header: dict[str, Any], payload: bytes = b"") -> None:
        # The learner's prints first, so that output and frames keep their order.
        sys.stdout.flush()
        sys.stderr.flush()
        channel.write(fd, header, payload)

    send(_run(source, function, cases, send))


def _run(source: str, function: str | None, cases: list[Inputs], send: Any) -> dict[str, Any]:
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
        return {"status": failure_kind(error), "error": describe_error(error, source)}
    if function is None:
        return {"status": "done", "error": None}
    target = namespace.get(function)
    if not callable(target):
        return {"status": "no_function", "error": f"{FILENAME} defines no function {function}()"}
    for index, (args, shared) in enumerate(cases):
        send({"start": index})
        try:
            copied = copy.deepcopy(args, {id(obj): obj for obj in shared})
            with torch.no_grad():
                got = target(*copied)
            header, payload = output_frame(index, got)
        except BaseException as error:  # reported on the case's row
            kind = failure_kind(error)
            send(
                {"case": index, "error": describe_error(error, source), "memory": kind == "memory"}
            )
            continue
        send(header, payload)
    return {"status": "done", "error": None}


def output_frame(index: int, got: object) -> tuple[dict[str, Any], bytes]:
    """The frame for one output: a plain dense real CPU tensor's bytes, or what it was."""
    kind = _not_plain(got)
    if kind is not None:
        return {"case": index, "returned": kind}, b""
    assert isinstance(got, torch.Tensor)
    name = str(got.dtype).removeprefix("torch.")
    if got.numel() * got.element_size() > channel.PAYLOAD_LIMIT:
        return {
            "case": index,
            "returned": f"a tensor over {channel.PAYLOAD_LIMIT // 2**20} MB",
        }, b""
    plain = got.detach().resolve_conj().resolve_neg().contiguous()
    payload = plain.reshape(-1).view(torch.uint8).numpy().tobytes()
    return {"case": index, "dtype": name, "shape": list(plain.shape)}, payload


def _not_plain(got: object) -> str | None:
    """What `got` is when it is not a plain dense real tensor on the CPU, else None."""
    if not isinstance(got, torch.Tensor):
        return f"{type(got).__name__}, not a tensor"
    if type(got) is not torch.Tensor:
        return f"a tensor subclass ({type(got).__name__})"
    if got.is_meta:
        return "a meta tensor"
    if got.layout != torch.strided:
        return "a sparse tensor"
    if got.device.type != "cpu":
        return f"a tensor on {got.device.type}"
    if got.is_complex():
        return "a complex tensor"
    name = str(got.dtype).removeprefix("torch.")
    if name not in channel.DTYPES:
        return f"a {name} tensor"
    return None


def failure_kind(error: BaseException) -> str:
    """`memory` for an allocation that failed, else `exception`."""
    if isinstance(error, MemoryError) or (
        isinstance(error, RuntimeError) and any(m in str(error) for m in _ALLOC_MARKERS)
    ):
        return "memory"
    return "exception"


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
    message = one_line(error)
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
