"""The reference worker process: `python -m quizapp.engine.worker`, which runs probes.

It answers `engine/protocol.py`'s requests on stdin and stdout (`engine/child.py` serves
them): `RunProbe` with a `ProbeOutcome` (a null `model_path` resolves the probe's `model` as
a bundled id, or `none`) or a one-line `Failure`; the ping with `Ready` once torch and
diffusers are imported. It exits when stdin closes or its parent dies.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from quizapp.engine.child import protocol_stream, serve
from quizapp.engine.lifeline import watch_parent
from quizapp.engine.protocol import Answer, Failure, Ping, ProbeOutcome, Ready, Request, RunProbe
from quizapp.oneline import describe_exception

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


def handle(request: Request) -> Answer | Failure:
    """Answer one request; never raises."""
    from quizapp.engine.load import versions
    from quizapp.engine.reference.errors import MEMORY_LIMIT, ProbeError, memory_exhausted
    from quizapp.engine.reference.run import run_probe
    from quizapp.packs.modelref import ModelNotFound

    if isinstance(request, Ping):
        return Ready()
    if not isinstance(request, RunProbe):
        return Failure(f"bad request: the reference worker does not answer {request.kind!r}")
    try:
        model_path = _model_path(request)
        _allow_model(model_path)
        result = run_probe(request.probe, model_path)
    except (ProbeError, ModelNotFound) as error:
        return Failure(str(error))
    except Exception as error:  # a bug in the reference must not kill the worker
        return Failure(MEMORY_LIMIT if memory_exhausted(error) else describe_exception(error))
    return ProbeOutcome(result.value, result.trace, versions())


def _model_path(request: RunProbe) -> Path | None:
    """The request's model folder; without one, the probe's `model` resolved as a bundled id."""
    from quizapp.packs.modelref import resolve_model

    if request.model_path:
        return Path(request.model_path)
    return resolve_model(request.probe.model)


def main() -> None:
    """Import torch and diffusers, then serve stdin until it closes."""
    watch_parent()
    protocol = protocol_stream()
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
        serve(sys.stdin, protocol, handle)
    except KeyboardInterrupt:
        # Ctrl+C in the terminal reaches the whole process group; the UI reports it.
        sys.exit(130)


if __name__ == "__main__":
    main()
