"""The reference worker process: `python -m quizapp.engine.worker`.

JSON lines on stdin and stdout, one request and one response per line:

    {"id": n, "probe": <Probe.model_dump(mode="json")>, "model_path": str | null}
    (a null model_path resolves the probe's `model` as a bundled id, or `none`)
    -> {"id": n, "ok": true, "value": ..., "trace": [...], "versions": {...}}
    -> {"id": n, "ok": false, "error": "one line"}
    {"id": 0, "ping": true} -> {"id": 0, "ok": true, "ready": true}   (after torch imports)

stdout carries nothing but the protocol: the real stdout is kept on a private descriptor and
file descriptor 1 is pointed at stderr, so prints and warnings from torch, diffusers or C
extensions cannot corrupt a response. The process exits when stdin closes.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

from quizapp.oneline import describe_exception, error_line

#: Address space the worker may use before loading any model: the interpreter, torch and
#: diffusers (about 0.8 GB), the bundled model and the probe budget, with room to spare.
#: Allocations past it fail inside the worker, which answers "memory limit" and lives on.
BASE_ADDRESS_SPACE = 3 << 30
#: `QUIZAPP_WORKER_MEMORY_MB` overrides it (e.g. for big models on a big machine).
MEMORY_ENV = "QUIZAPP_WORKER_MEMORY_MB"

_model_bytes: dict[str, int] = {}


def limit_memory(extra: int = 0) -> int | None:
    """Set the worker's soft address-space limit to the base plus `extra` bytes.

    Only the soft limit is set, so it can be raised again for a bigger model. Returns the
    limit set, or None where the platform has no such limit.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return None
    override = os.environ.get(MEMORY_ENV, "")
    base = int(override) << 20 if override.isdigit() and int(override) > 0 else BASE_ADDRESS_SPACE
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = base + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        return None
    return limit


def _allow_model(model_path: Path | None) -> None:
    """Raise the limit by the weights of every model loaded so far (they stay in memory)."""
    from quizapp.packs.modelref import ModelNotFound, model_files

    if model_path is None or str(model_path) in _model_bytes:
        return
    try:
        size = sum(path.stat().st_size for _, path in model_files(model_path))
    except (ModelNotFound, OSError):
        size = 0
    _model_bytes[str(model_path)] = size
    # Twice the weights: loading reads the file while the module's tensors are allocated.
    limit_memory(2 * sum(_model_bytes.values()))


def _protocol_stream() -> TextIO:
    """Keep the real stdout for responses and send everything else written there to stderr."""
    sys.stdout.flush()
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return protocol


def handle(request: dict[str, Any]) -> dict[str, Any]:
    """Answer one request; never raises."""
    from pydantic import ValidationError

    from quizapp.engine.load import versions
    from quizapp.engine.reference.errors import MEMORY_LIMIT, ProbeError, memory_exhausted
    from quizapp.engine.reference.run import run_probe
    from quizapp.packs.modelref import ModelNotFound
    from quizapp.packs.models import Probe

    request_id = request.get("id")
    if request.get("ping"):
        return {"id": request_id, "ok": True, "ready": True}
    try:
        probe = Probe.model_validate(request.get("probe"))
        model_path = _model_path(probe, request.get("model_path"))
        _allow_model(model_path)
        result = run_probe(probe, model_path)
    except ValidationError as error:
        first = error.errors()[0] if error.errors() else {"loc": (), "msg": str(error)}
        where = ".".join(str(part) for part in first["loc"])
        return {"id": request_id, "ok": False, "error": f"bad probe: {where}: {first['msg']}"}
    except (ProbeError, ModelNotFound) as error:
        return {"id": request_id, "ok": False, "error": str(error)}
    except Exception as error:  # a bug in the reference must not kill the worker
        reason = MEMORY_LIMIT if memory_exhausted(error) else describe_exception(error)
        return {"id": request_id, "ok": False, "error": reason}
    return {
        "id": request_id,
        "ok": True,
        "value": result.value,
        "trace": list(result.trace),
        "versions": versions(),
    }


def _model_path(probe: Any, raw_path: object) -> Path | None:
    """The request's model folder; without one, the probe's `model` resolved as a bundled id."""
    from quizapp.packs.modelref import resolve_model

    if isinstance(raw_path, str) and raw_path:
        return Path(raw_path)
    return resolve_model(probe.model)


def serve(
    lines: Iterable[str],
    out: TextIO,
    answer: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> None:
    """Answer requests from `lines` on `out` until end of input.

    Args:
        lines: One JSON object per line.
        out: Where each response goes, one JSON line each, flushed.
        answer: Turns a request into its response (default: `handle`, a probe run); the
            code server passes its own, so both speak the same line protocol.
    """
    for line in lines:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise ValueError("a request is a JSON object")
        except ValueError as error:
            response: dict[str, Any] = {
                "id": None,
                "ok": False,
                "error": f"bad request: {error_line(error)}",
            }
        else:
            response = (answer or handle)(request)
        out.write(json.dumps(response) + "\n")
        out.flush()


def main() -> None:
    """Import torch and diffusers, then serve stdin until it closes."""
    protocol = _protocol_stream()
    # Before torch: a probe that slips past validation's size estimate must fail here, as
    # "memory limit", rather than drive the machine into swap.
    limit_memory()
    # Imported here, after stdout is redirected, so import-time prints cannot leak.
    import diffusers  # noqa: F401
    import torch

    from quizapp.engine.load import configure_torch

    configure_torch()
    torch.manual_seed(0)
    try:
        serve(sys.stdin, protocol)
    except KeyboardInterrupt:
        # Ctrl+C in the terminal reaches the whole process group; the UI reports it.
        sys.exit(130)


if __name__ == "__main__":
    main()
