"""A dead or hanging reference worker: that question is "could not grade", the session goes on."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tui_helpers import EXECUTED_PACKS, SIZE, make_app

from quizapp.grading.client import ProbeRunner
from quizapp.grading.service import GradingService
from quizapp.screens.feedback import WARMING_UP, FeedbackScreen
from quizapp.screens.help import HelpScreen
from quizapp.screens.practice import PracticeScreen
from quizapp.store.db import Store
from quizapp.widgets.grade_view import GradeView

pytestmark = pytest.mark.anyio

#: A worker that dies at once.
DEAD = "import sys; sys.exit(3)"
#: A worker that hangs on the probe: it says it is ready only once the test has looked at
#: the screen while it waits (the file `release` exists), then never answers. The wait is
#: for that event, and the deadline that fails the probe is the short per-probe timeout.
HANGING = """
import json, os, sys, time
ping = json.loads(sys.stdin.readline())
while not os.path.exists(sys.argv[1]):
    time.sleep(0.01)
print(json.dumps({"id": ping["id"], "ok": True, "ready": True}), flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize("kind", ["dead", "hanging"])
async def test_bad_worker_leaves_the_session_usable(
    store: Store, kind: str, tmp_path: Path
) -> None:
    started: list[ProbeRunner] = []
    release = tmp_path / "release"

    def factory() -> ProbeRunner:
        script = HANGING if kind == "hanging" else DEAD
        command = [sys.executable, "-c", script, str(release)]
        # The start-up budget is never what ends the hanging worker (the release comes
        # first): it only has to outlast a loaded machine.
        worker = ProbeRunner(timeout=1.0, startup_timeout=120.0, command=command)
        started.append(worker)
        return worker

    grading = GradingService(cache=store, worker_factory=factory)
    app = make_app(store, folders=(EXECUTED_PACKS,), grading=grading)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("p")
            await pilot.pause()
            await app.workers.wait_for_complete()  # the warm-up started the worker
            assert started, "a session with executed questions warms the worker up"
            await pilot.press(*"0.2763", "enter")
            await pilot.pause()
            assert isinstance(app.screen, FeedbackScreen)
            view = app.screen.query_one(GradeView)
            if kind == "hanging":
                # Still responsive while it waits: help opens and closes.
                assert view.result is None and view.pending == WARMING_UP
                await pilot.press("question_mark")
                assert isinstance(app.screen, HelpScreen)
                await pilot.press("escape")
                release.touch()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert view.result is not None and view.result.correct is None
            assert view.result.detail.startswith("could not grade: ")
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, PracticeScreen)
            await pilot.press(*"scheduler", "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.screen.query_one(GradeView).result.correct is True  # type: ignore[union-attr]
        reviews = store.reviews()
        assert [(r.question_id, r.correct, r.rating) for r in reviews] == [
            ("alpha-bar", None, None),
            ("owner", True, 4),
        ]
        assert ("ui-executed", "alpha-bar") not in store.cards()
    finally:
        grading.close()
