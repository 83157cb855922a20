"""Pilot tests of families: a new variant each review, stored; prefetch fills the cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_helpers import SIZE, UI_DIR, make_app

from quizapp.grading.client import ProbeOutcome
from quizapp.grading.service import GradingService
from quizapp.packs.families import pinned_settings
from quizapp.packs.models import Probe
from quizapp.screens.feedback import FeedbackScreen
from quizapp.screens.practice import PracticeScreen
from quizapp.store.db import Store
from quizapp.study.planning import Filters
from quizapp.study.practice import PracticeOptions
from quizapp.widgets.grade_view import GradeView
from quizapp.widgets.question_card import QuestionCard

pytestmark = pytest.mark.anyio

FAMILIES = UI_DIR / "families"


class ShapeWorker:
    """A reference worker without torch: latent shapes by the rules of the loop."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int, int]] = []
        self.ready = True

    def start(self) -> None:
        pass

    def run(self, probe: Probe, model_path: Path | None) -> ProbeOutcome:
        self.calls.append((probe.observe, probe.height, probe.width, probe.batch_size))
        value = [probe.batch_size, 4, probe.height // 8, probe.width // 8]
        return ProbeOutcome(value, (f"fake {probe.observe}",), {})

    def close(self) -> None:
        pass


def expected(settings: dict[str, Any], base: tuple[int, int]) -> str:
    height = int(settings.get("height", base[0]))
    width = int(settings.get("width", base[1]))
    return f"({settings['batch_size']}, 4, {height // 8}, {width // 8})"


async def answer_current(pilot: Pilot[None]) -> dict[str, Any]:
    """Answer the current family question right; returns the drawn settings."""
    screen = pilot.app.screen
    assert isinstance(screen, PracticeScreen), screen
    item = screen.session.current
    assert item is not None
    settings = pinned_settings(item.question)
    assert settings is not None
    shown = screen.query_one(QuestionCard).question.prompt
    assert f"batch {settings['batch_size']}:" in shown and "{" not in shown
    await pilot.press(*expected(settings, (512, 512)), "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    feedback = pilot.app.screen
    assert isinstance(feedback, FeedbackScreen), feedback
    result = feedback.query_one(GradeView).result
    assert result is not None and result.correct is True, result
    assert result.trace[0].startswith("variant: ")
    await pilot.press("enter")
    await pilot.pause()
    return settings


async def test_a_family_reviewed_twice_shows_two_variants_and_stores_both(
    store: Store,
) -> None:
    shown = []
    for _ in range(2):
        worker = ShapeWorker()
        grading = GradingService(cache=store, worker_factory=lambda w=worker: w)  # type: ignore[misc]
        options = PracticeOptions(filters=Filters(pack="ui-families"), cram=True)
        app = make_app(store, folders=(FAMILIES,), grading=grading, start=options)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            shown.append(await answer_current(pilot))
        grading.close()
    assert shown[0] != shown[1]
    rows = store.reviews("ui-families", "latent-shape")
    assert [row.variant for row in rows] == shown


async def test_prefetch_grades_the_next_executed_question_from_the_cache(
    store: Store,
) -> None:
    worker = ShapeWorker()
    grading = GradingService(cache=store, worker_factory=lambda: worker)  # type: ignore[arg-type,return-value]
    app = make_app(
        store,
        folders=(FAMILIES,),
        grading=grading,
        start=PracticeOptions(filters=Filters(pack="ui-families"), cram=True),
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, PracticeScreen)
        first, second = screen.session.items
        # While the first question is read, both references are computed in the background.
        assert grading.wait_prefetch(timeout=10)
        assert [call[0] for call in worker.calls] == [
            first.question.probe.observe,  # type: ignore[union-attr]
            second.question.probe.observe,  # type: ignore[union-attr]
        ]
        assert grading.cached_reference(second.question, FAMILIES) is not None
        await answer_current(pilot)
        calls = len(worker.calls)
        await answer_current(pilot)
        assert len(worker.calls) == calls, "the second feedback must come from the cache"
    grading.close()


async def test_preview_steps_through_the_variants_of_a_family() -> None:
    from quizapp.preview_app import PreviewApp
    from quizapp.screens.browse import BrowseScreen
    from quizapp.widgets.reference_view import ReferenceView

    worker = ShapeWorker()
    grading = GradingService(worker_factory=lambda: worker)  # type: ignore[arg-type,return-value]
    app = PreviewApp(FAMILIES / "ui-families.yaml", grading)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, BrowseScreen)
        prompts, references, progress = [], [], []
        for _ in range(5):
            card = screen.query_one(QuestionCard)
            prompts.append(card.question.prompt)
            progress.append(card.progress)
            view = screen.query_one(ReferenceView)
            references.append(str(view.render()))
            await pilot.press("v")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        # Four variants, then round again to the first.
        assert len(set(prompts[:4])) == 4 and prompts[4] == prompts[0]
        assert "64x512, batch 1:" in prompts[0]
        assert progress[0].endswith("variant 1/4: height=64, batch_size=1")
        assert progress[3].endswith("variant 4/4: height=128, batch_size=2")
        assert [call[1:] for call in worker.calls] == [
            (64, 512, 1),
            (64, 512, 2),
            (128, 512, 1),
            (128, 512, 2),
        ]
        assert "(1, 4, 8, 64)" in references[0] and "(2, 4, 8, 64)" in references[1]
    grading.close()
