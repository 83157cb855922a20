"""The reference worker process: `python -m quizapp.grading.worker`.

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
from pathlib import Path
from typing import Any, TextIO


def _protocol_stream() -> TextIO:
    """Keep the real stdout for responses and send everything else written there to stderr."""
    sys.stdout.flush()
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return protocol


def _one_line(text: str) -> str:
    from quizapp.grading.reference.errors import one_line

    return one_line(text) or "unknown error"


def handle(request: dict[str, Any]) -> dict[str, Any]:
    """Answer one request; never raises."""
    from pydantic import ValidationError

    from quizapp.grading.reference.errors import ProbeError, describe_exception
    from quizapp.grading.reference.load import versions
    from quizapp.grading.reference.run import run_probe
    from quizapp.packs.modelref import ModelNotFound
    from quizapp.packs.models import Probe

    request_id = request.get("id")
    if request.get("ping"):
        return {"id": request_id, "ok": True, "ready": True}
    try:
        probe = Probe.model_validate(request.get("probe"))
        model_path = _model_path(probe, request.get("model_path"))
        result = run_probe(probe, model_path)
    except ValidationError as error:
        first = error.errors()[0] if error.errors() else {"loc": (), "msg": str(error)}
        where = ".".join(str(part) for part in first["loc"])
        return {"id": request_id, "ok": False, "error": f"bad probe: {where}: {first['msg']}"}
    except (ProbeError, ModelNotFound) as error:
        return {"id": request_id, "ok": False, "error": str(error)}
    except Exception as error:  # a bug in the reference must not kill the worker
        return {"id": request_id, "ok": False, "error": describe_exception(error)}
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


def serve(lines: TextIO, out: TextIO) -> None:
    """Answer requests from `lines` on `out` until end of input."""
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
                "error": f"bad request: {_one_line(str(error))}",
            }
        else:
            response = handle(request)
        out.write(json.dumps(response) + "\n")
        out.flush()


def main() -> None:
    """Import torch and diffusers, then serve stdin until it closes."""
    protocol = _protocol_stream()
    # Imported here, after stdout is redirected, so import-time prints cannot leak.
    import diffusers  # noqa: F401
    import torch

    from quizapp.grading.reference.load import configure_torch

    configure_torch()
    torch.manual_seed(0)
    try:
        serve(sys.stdin, protocol)
    except KeyboardInterrupt:
        # Ctrl+C in the terminal reaches the whole process group; the UI reports it.
        sys.exit(130)


if __name__ == "__main__":
    main()
