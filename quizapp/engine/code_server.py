"""The code server: `python -m quizapp.engine.code_server`, a warm fork server for learner code.

It imports torch and diffusers once, loads tiny-sd and answers JSON lines on stdin:

    {"id": 0, "ping": true} -> {"id": 0, "ok": true, "ready": true}      (once warm)
    {"id": n, "source": str, "harness": name | null, "cases": [params, ...] | null,
     "timeout": s, "memory_mb": n}
    -> {"id": n, "ok": true, "status": ..., "error": ..., "cases": [row, ...], "mistake": ...,
        "output": str, "output_bytes": n, "seconds": s}
    -> {"id": n, "ok": false, "error": "one line"}            (a bad request or harness bug)

Cases are built here, by trusted code, and cached; this process is the judge. The learner's
code runs only in a confined runner forked by the zygote (`engine/sandbox/`), which never
holds an expected output, and sends back raw outputs the judge compares. This is a
separate process from the reference worker:
learner code never shares a process with the probes' references. `harness: null` runs the
source alone (the limits, without cases). stdout carries nothing but the protocol (as in the
reference worker).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from quizapp.engine import worker
from quizapp.engine.worker import _protocol_stream


def handle(request: dict[str, Any]) -> dict[str, Any]:
    """Answer one request; never raises."""
    from quizapp.engine.harness import registry
    from quizapp.engine.sandbox import submission, zygote
    from quizapp.oneline import describe_exception
    from quizapp.packs.harnesses import HARNESSES

    request_id = request.get("id")
    if request.get("ping"):
        return {"id": request_id, "ok": True, "ready": True}
    refusal = submission.refusal()
    if refusal:
        return {"id": request_id, "ok": False, "error": refusal}
    source = request.get("source")
    harness = request.get("harness")
    if not isinstance(source, str):
        return {"id": request_id, "ok": False, "error": "bad request: no source"}
    if harness is not None and harness not in HARNESSES:
        return {"id": request_id, "ok": False, "error": f"unknown harness {harness!r}"}
    timeout = float(request.get("timeout") or 10.0)
    memory_mb = int(request.get("memory_mb") or submission.DEFAULT_MEMORY_MB)
    function = None
    cases = []
    if harness is not None:
        spec = HARNESSES[harness]
        function = spec.function
        try:
            cases = registry.cases_for(harness, spec.full_cases(request.get("cases")))
        except Exception as error:  # a case the harness cannot build is the pack's problem
            return {
                "id": request_id,
                "ok": False,
                "error": f"cannot build the {harness} cases: {describe_exception(error)}",
            }
        spec_mistakes = spec.mistakes
    else:
        spec_mistakes = ()
    try:
        report = submission.run(zygote.current(), source, function, cases, timeout, memory_mb)
    except zygote.ZygoteDied as error:  # the server exits after this answer, to be restarted
        return {"id": request_id, "ok": False, "error": f"the code runner stopped: {error}"}
    report["mistake"] = overall_mistake(report["cases"], spec_mistakes)
    return {"id": request_id, "ok": True, **report}


def overall_mistake(rows: list[dict[str, Any]], names: tuple[str, ...]) -> str | None:
    """The mistake (in the harness's order) the learner's outputs match, or None."""
    failing = [row for row in rows if not row.get("ok")]
    if not failing:
        return None
    # First a mistake whose output matches the learner's on every case, then one that
    # matches on every failing case.
    for group in (rows, failing):
        for name in names:
            if all(name in row.get("mistakes", ()) for row in group):
                for row in failing:
                    row["mistake"] = name
                return name
    return None


def examples() -> dict[str, dict[str, str]]:
    """Harness name → {mistake name: learner-style source that makes it}."""
    from quizapp.engine.harness import registry

    return {name: dict(module.EXAMPLES) for name, module in registry.MODULES.items()}


def answer(request: dict[str, Any]) -> dict[str, Any]:
    """The response to one request: the harnesses' mistake examples, or a run."""
    if request.get("examples"):
        return {"id": request.get("id"), "ok": True, "examples": examples()}
    return handle(request)


def serve(lines: TextIO, out: TextIO) -> None:
    """Answer requests from `lines` on `out` until end of input (the worker's protocol), or
    until the zygote has died: the server then exits, and its client starts a fresh one
    (a zygote cannot be forked again from a judge that has built cases)."""
    worker.serve(_while_the_zygote_lives(lines), out, answer)


def _while_the_zygote_lives(lines: Iterable[str]) -> Iterator[str]:
    from quizapp.engine.sandbox import zygote

    for line in lines:
        yield line
        if zygote.died():
            return


def warm_up() -> None:
    """Import torch, diffusers and the harnesses; load tiny-sd and run it once.

    Everything a child needs is then in the server's memory, shared copy-on-write.
    """
    import torch

    from quizapp.engine.harness import base, registry  # noqa: F401
    from quizapp.engine.load import configure_torch

    configure_torch()
    torch.manual_seed(0)
    unet = base.unet()
    with torch.no_grad():
        latents = torch.zeros(2, 4, 8, 8)
        unet(latents, 1, encoder_hidden_states=torch.zeros(2, 8, unet.config.cross_attention_dim))


def main() -> None:
    """Warm up, fork the zygote, then serve stdin until it closes."""
    protocol = _protocol_stream()
    warm_up()
    from quizapp.engine.confine.support import support
    from quizapp.engine.sandbox import zygote

    # Forked before the first case is built, so that no expected output is in its memory.
    zygote.current(private=(protocol.fileno(), sys.stdin.fileno()))
    if not support().complete:
        print(support().summary(), file=sys.stderr, flush=True)  # said once, per server
    try:
        serve(sys.stdin, protocol)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
