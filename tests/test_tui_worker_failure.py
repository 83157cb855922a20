"""A dead or hanging reference worker: that question is "could not grade", the session goes on."""

from __future__ import annotations

import sys

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

FAKE_WORKERS = {
    "dead": "import sys; sys.exit(3)",
    "hanging": "import time; time.sleep(60)",
}


@pytest.mark.parametrize("kind", sorted(FAKE_WORKERS))
async def test_bad_worker_leaves_the_session_usable(store: Store, kind: str) -> None:
    started: list[ProbeRunner] = []

    def factory() -> ProbeRunner:
        command = [sys.executable, "-c", FAKE_WORKERS[kind]]
        # The hanging worker must still be pending when the test looks (help opens while it
        # waits): a start-up timeout a loaded machine cannot outrun before that check.
        startup = 8.0 if kind == "hanging" else 1.5
        worker = ProbeRunner(timeout=1.0, startup_timeout=startup, command=command)
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
