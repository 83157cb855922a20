"""Learner code: a fresh child's start, and warm denoise_loop grading.

1. Start of a confined run (budget 0.1x): a submission of `pass` sent to the warm code
   server (JSON over a pipe; the zygote forks the keeper and the runner into new namespaces;
   limits, capabilities dropped, Landlock, seccomp; exec; the judge reads the channel), against
   a cold `python -c "import torch, diffusers"`, which is what a run would pay without the
   warm zygote.
2. Grading denoise_loop warm (budget 1.5x): the bundled reference solution graded by the warm
   code server on the harness's default cases (a confined run sends each raw output, the judge
   compares every case), against calling the same function on the same case inputs directly
   in this warm process.

Both use one torch thread. Prints the ratios; asserts nothing.

    .venv/bin/python bench/bench_code.py [--repeat N]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import alternate, report

from quizapp import locations
from quizapp.engine.confine.support import support
from quizapp.grading.code_grading import CodeGrader
from quizapp.packs.loader import load_pack
from quizapp.packs.models import CodeQuestion

CHILD_BUDGET = 0.1
LOOP_BUDGET = 1.5


def cold_import_seconds(rounds: int) -> float:
    """Median wall time of a fresh interpreter importing torch and diffusers."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import torch, diffusers"], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def loop_solution() -> str:
    pack = load_pack(locations.content_dir() / "code-exercises.yaml").pack
    question = pack.question("write-generate")
    assert isinstance(question, CodeQuestion)
    return question.solution


def direct_loop(solution: str) -> Callable[[], None]:
    """The same function on the same case inputs, in this (warm) process."""
    import torch

    from quizapp.engine import code_server
    from quizapp.engine.harness import registry

    code_server.warm_up()
    cases = registry.cases_for("denoise_loop", registry.default_params("denoise_loop"))
    namespace: dict[str, object] = {}
    exec(compile(solution, "solution.py", "exec"), namespace)
    generate = namespace["generate"]
    assert callable(generate)

    def run() -> None:
        with torch.no_grad():
            for case in cases:
                args = copy.deepcopy(case.args, {id(obj): obj for obj in case.shared})
                got = generate(*args)
                assert torch.allclose(got, case.expected, rtol=case.rtol, atol=case.atol)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    solution = loop_solution()

    cold = cold_import_seconds(3)
    grader = CodeGrader()
    started = time.perf_counter()
    grader.start()
    try:
        while not grader.ready:
            time.sleep(0.01)
        print(f"code server startup (spawn to warm): {time.perf_counter() - started:.2f} s")
        print(support().summary())
        grader.run("pass", None)
        children = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response = grader.run("pass", None)
            children.append(time.perf_counter() - t0)
            assert response.status == "done"
        report(
            "a confined run's start vs cold import torch, diffusers",
            statistics.median(children),
            cold,
            CHILD_BUDGET,
        )

        direct = direct_loop(solution)
        first = grader.run(solution, "denoise_loop")  # builds and caches the cases
        assert all(row.ok for row in first.cases), first
        direct()

        def graded() -> None:
            response = grader.run(solution, "denoise_loop")
            assert all(row.ok for row in response.cases)

        ours, base = alternate(graded, direct, args.repeat)
        report("warm denoise_loop grading vs the cases run directly", ours, base, LOOP_BUDGET)
    finally:
        grader.close()


if __name__ == "__main__":
    main()
