"""Submit -> feedback shown, executed family questions vs typed ones, in one Pilot session.

A 20-question practice session (cram, pack order) alternates typed questions (graded in
the UI process) and executed family questions (each review draws a variant; the real
reference worker runs it). Every answer is given after the same reading pause, as a
learner would read the question before answering; the time measured is from the submit
keypress to the feedback view showing a grade. The first executed question is left out
(the worker is still importing torch); for the others the prefetch, started when the
question appears, should have put the reference in the cache.

Budget: median executed <= 1.5x median typed.

    .venv/bin/python bench/bench_feedback.py
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

#: Seconds a learner spends reading before answering (a fast reader; people take longer).
READING = 1.5
#: Seconds the worker may take to import torch before the session starts.
WARM_UP = 120

TYPED = """\
  - id: typed-{index}
    type: shape
    origin: mechanism
    topic: bench
    difficulty: 2
    prompt: Typed question {index}. Shape of a 512x512 latent?
    answer: [1, 4, 64, 64]
"""

EXECUTED = """\
  - id: family-{index}
    type: sequence
    origin: mechanism
    topic: bench
    difficulty: 2
    prompt: >-
      EulerDiscreteScheduler({{scheduler_config.timestep_spacing}}),
      {{num_inference_steps}} steps: timesteps?
    probe:
      model: none
      scheduler: EulerDiscreteScheduler
      noise_pred: {{fill: 0.0}}
      latent_shape: [1, 4, 8, 8]
      observe: timesteps
    vary:
      num_inference_steps: [{a}, {b}]
      scheduler_config.timestep_spacing: [linspace, trailing]
    examples:
      - where: {{num_inference_steps: {a}, scheduler_config.timestep_spacing: linspace}}
        expect: {expect}
    traps:
      - observe: sigmas
        why: A computed trap, so that the prefetch has one to compute too.
"""


def linspace(steps: int) -> list[float]:
    return [999 * i / (steps - 1) for i in range(steps)][::-1]


def write_pack(folder: Path) -> Path:
    body = "pack:\n  id: bench-feedback\n  title: Bench\nquestions:\n"
    for i in range(10):
        body += TYPED.format(index=i)
        a, b = 3 + i, 13 + i
        body += EXECUTED.format(index=i, a=a, b=b, expect=linspace(a))
    path = folder / "pack" / "bench-feedback.yaml"
    path.parent.mkdir()
    path.write_text(body)
    from quizapp.packs.loader import load_pack

    load_pack(path)  # a pack error must stop the bench, not leave it on the home screen
    return path


async def session(pack: Path) -> tuple[list[float], list[float]]:
    from quizapp.app import QuizApp
    from quizapp.grading.service import GradingService
    from quizapp.packs.registry import Registry
    from quizapp.screens.feedback import FeedbackScreen
    from quizapp.screens.practice import PracticeScreen
    from quizapp.store.db import Store
    from quizapp.study.planning import Filters
    from quizapp.study.practice import PracticeOptions
    from quizapp.widgets.grade_view import GradeView

    store = Store.open(pack.parent / "bench.db")
    grading = GradingService(cache=store)
    grading.warm_up()
    started = time.perf_counter()
    while not grading.worker_ready and time.perf_counter() - started < WARM_UP:
        await asyncio.sleep(0.1)
    app = QuizApp(
        registry=Registry.load([pack.parent]),
        store=store,
        grading=grading,
        start=PracticeOptions(filters=Filters(pack="bench-feedback"), cram=True),
    )
    typed: list[float] = []
    executed: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(20):
            screen = app.screen
            assert isinstance(screen, PracticeScreen), screen
            item = screen.session.current
            assert item is not None
            answer = "1, 4, 64, 64" if not item.question.executed else "1, 2, 3"
            await asyncio.sleep(READING)
            await pilot.press(*answer)
            submitted = time.perf_counter()
            await pilot.press("enter")
            while not (
                isinstance(app.screen, FeedbackScreen)
                and app.screen.query_one(GradeView).result is not None
            ):
                await asyncio.sleep(0.002)
            seconds = time.perf_counter() - submitted
            (executed if item.question.executed else typed).append(seconds)
            await pilot.press("enter")
            await pilot.pause()
    grading.close()
    store.close()
    return typed, executed


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["QUIZAPP_HOME"] = str(Path(tmp) / "home")
        pack = write_pack(Path(tmp))
        typed, executed = asyncio.run(session(pack))
    later = executed[1:]  # the first executed question is not prefetched before it is shown
    print(
        f"typed: {', '.join(f'{t * 1000:.0f}' for t in typed)} ms; "
        f"executed: {', '.join(f'{t * 1000:.0f}' for t in executed)} ms"
    )
    report(
        "submit -> feedback, executed families after the first vs typed (median)",
        statistics.median(later),
        statistics.median(typed),
        budget=1.5,
    )


if __name__ == "__main__":
    main()
