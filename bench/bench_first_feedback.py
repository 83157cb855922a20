"""Cold start -> the first executed question's feedback, with and without the engine warm-up.

Each round opens a fresh store (so no reference is cached) and a fresh grading service (so
no worker runs yet), starts the app on its home screen, spends `HOME_READING` seconds there
as a learner would, presses `p`, reads the first question for `READING` seconds, answers
and waits for the grade. Two numbers per round: submit -> feedback graded, and the whole
cold start -> feedback graded. The contender starts the reference worker when home is
shown (`QuizApp(warm_engine=True)`, the default); the baseline only when the session starts
(`warm_engine=False`, the behaviour before issue 22). Rounds alternate the two.

Budget: submit -> feedback within 0.5x the baseline's (the warm-up hides torch's import).

    .venv/bin/python bench/bench_first_feedback.py [ROUNDS] [HOME_SECONDS]

On a loaded machine torch's import takes longer than a glance at home: pass a longer
HOME_SECONDS to see how much of it the warm-up hides.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import report

#: Seconds on the home screen before `p` (a glance at the counts); argv[2] overrides it.
HOME_READING = 3.0
#: Seconds reading the question before answering.
READING = 2.0
#: Give up on one grade after this long.
TIMEOUT = 180.0

PACK = """\
pack:
  id: bench-first
  title: Bench
questions:
  - id: first-executed
    type: sequence
    origin: mechanism
    topic: bench
    difficulty: 2
    prompt: EulerDiscreteScheduler, 4 steps, linspace spacing. The timesteps?
    probe:
      model: none
      scheduler: EulerDiscreteScheduler
      num_inference_steps: 4
      noise_pred: {fill: 0.0}
      latent_shape: [1, 4, 8, 8]
      observe: timesteps
"""


async def one_round(folder: Path, warm: bool, home: float) -> tuple[float, float]:
    """(submit -> graded, cold start -> graded), in seconds."""
    from quizapp.app import QuizApp
    from quizapp.grading.service import GradingService
    from quizapp.packs.registry import Registry
    from quizapp.screens.feedback import FeedbackScreen
    from quizapp.store.db import Store
    from quizapp.widgets.grade_view import GradeView

    started = time.perf_counter()
    store = Store.open(folder / f"bench-{time.monotonic_ns()}.db")
    grading = GradingService(cache=store)
    app = QuizApp(
        registry=Registry.load([folder / "pack"]), store=store, grading=grading, warm_engine=warm
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await asyncio.sleep(home)
        await pilot.press("p")
        await asyncio.sleep(READING)
        await pilot.press(*"999, 666, 333, 0")
        submitted = time.perf_counter()
        await pilot.press("enter")
        while not (
            isinstance(app.screen, FeedbackScreen)
            and app.screen.query_one(GradeView).result is not None
        ):
            if time.perf_counter() - submitted > TIMEOUT:
                raise RuntimeError("no grade within the timeout")
            await asyncio.sleep(0.005)
        graded = time.perf_counter()
    grading.close()
    store.close()
    return graded - submitted, graded - started


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    home = float(sys.argv[2]) if len(sys.argv) > 2 else HOME_READING
    ours: list[tuple[float, float]] = []
    base: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["QUIZAPP_HOME"] = str(Path(tmp) / "home")
        folder = Path(tmp)
        (folder / "pack").mkdir()
        (folder / "pack" / "bench-first.yaml").write_text(PACK)
        for _ in range(rounds):
            base.append(asyncio.run(one_round(folder, warm=False, home=home)))
            ours.append(asyncio.run(one_round(folder, warm=True, home=home)))
    print(f"{rounds} rounds, {home:g} s on home, {READING:g} s reading the question")
    for name, runs in (("warm-up at home", ours), ("warm-up at session start", base)):
        print(
            f"{name}: submit -> graded "
            + ", ".join(f"{submit:.2f}" for submit, _ in runs)
            + " s; cold start -> graded "
            + ", ".join(f"{total:.2f}" for _, total in runs)
            + " s"
        )
    report(
        "first executed feedback, submit -> graded (median)",
        statistics.median(submit for submit, _ in ours),
        statistics.median(submit for submit, _ in base),
        budget=0.5,
    )
    report(
        "first executed feedback, cold start -> graded (median)",
        statistics.median(total for _, total in ours),
        statistics.median(total for _, total in base),
        budget=1.0,
    )


if __name__ == "__main__":
    main()
