"""The code server: `python -m quizapp.engine.code_server`, a warm fork server for learner code.

It imports torch and diffusers once, loads tiny-sd and answers `engine/protocol.py`'s
requests on stdin (`engine/child.py` serves them): `RunCode` with a `CodeReport` (or a
one-line `Failure` for a harness that cannot build its cases), `GetExamples` with each
harness's mistake examples, the ping with `Ready` once warm.

Cases are built here, by trusted code, and cached; this process is the judge. The learner's
code runs only in a confined runner forked by the zygote (`engine/sandbox/`), which never
holds an expected output, and sends back raw outputs the judge compares. This is a separate
process from the reference worker: learner code never shares a process with the probes'
references. A `RunCode` without a harness runs the source alone (the limits, without cases).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any

from quizapp.engine.child import protocol_stream, serve
from quizapp.engine.lifeline import watch_parent
from quizapp.engine.protocol import (
    Answer,
    CodeReport,
    Examples,
    Failure,
    GetExamples,
    Ping,
    Ready,
    Request,
    RunCode,
)


def handle(request: Request) -> Answer | Failure:
    """Answer one request; never raises."""
    if isinstance(request, Ping):
        return Ready()
    if isinstance(request, GetExamples):
        return Examples(examples())
    if isinstance(request, RunCode):
        return run(request)
    return Failure(f"bad request: the code server does not answer {request.kind!r}")


def run(request: RunCode) -> CodeReport | Failure:
    """Build the harness's cases (cached) and judge the source's run on them.

    The run happens in a confined runner forked by the zygote, which holds the cases'
    inputs only; the expected outputs, the comparison and the verdict stay here.
    """
    from quizapp.engine.harness import registry
    from quizapp.engine.sandbox import submission, zygote
    from quizapp.oneline import describe_exception
    from quizapp.packs.harnesses import HARNESSES

    refusal = submission.refusal()
    if refusal:
        return Failure(refusal)
    harness = request.harness
    if harness is not None and harness not in HARNESSES:
        return Failure(f"unknown harness {harness!r}")
    memory_mb = request.memory_mb or submission.DEFAULT_MEMORY_MB
    function = None
    cases = []
    names: tuple[str, ...] = ()
    if harness is not None:
        spec = HARNESSES[harness]
        function, names = spec.function, spec.mistakes
        try:
            cases = registry.cases_for(harness, spec.full_cases(request.cases))
        except Exception as error:  # a case the harness cannot build is the pack's problem
            return Failure(f"cannot build the {harness} cases: {describe_exception(error)}")
    try:
        report = submission.run(
            zygote.current(), request.source, function, cases, request.timeout, memory_mb
        )
    except zygote.ZygoteDied as error:  # the server exits after this answer, to be restarted
        return Failure(f"the code runner stopped: {error}")
    report["mistake"] = overall_mistake(report["cases"], names)
    return CodeReport(**report)


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


def _while_the_zygote_lives(lines: Iterable[str]) -> Iterator[str]:
    """The request lines until the zygote has died: the server then exits, and its client
    starts a fresh one (a zygote cannot be forked again from a judge that has built cases)."""
    from quizapp.engine.sandbox import zygote

    for line in lines:
        yield line
        if zygote.died():
            return


def main() -> None:
    """Warm up, fork the zygote, then serve stdin until it closes."""
    watch_parent()
    protocol = protocol_stream()
    warm_up()
    from quizapp.engine.confine.support import support
    from quizapp.engine.sandbox import zygote

    # Forked before the first case is built, so that no expected output is in its memory.
    zygote.current(private=(protocol.fileno(), sys.stdin.fileno()))
    if not support().complete:
        print(support().summary(), file=sys.stderr, flush=True)  # said once, per server
    try:
        serve(_while_the_zygote_lives(sys.stdin), protocol, handle)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
