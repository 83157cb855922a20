"""Code questions in the TUI: excerpt, editor, ctrl+n submits, ctrl+e, per-case feedback
(ctrl+r runs without recording: test_tui_code_run.py)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from code_fakes import FakeCodeGrader
from textual.app import App
from textual.pilot import Pilot
from tui_helpers import SIZE, make_app

from quizapp.app import QuizApp
from quizapp.grading.code_grading import CodeGrader
from quizapp.grading.service import GradingService
from quizapp.screens.feedback import FeedbackScreen
from quizapp.screens.flag import FlagScreen
from quizapp.screens.practice import PracticeScreen
from quizapp.store.db import Store
from quizapp.widgets.code_answer import CodeAnswer, CodeEditor
from quizapp.widgets.code_excerpt import CodeExcerpt
from quizapp.widgets.code_run_view import CodeRunView
from quizapp.widgets.grade_view import GradeView

pytestmark = pytest.mark.anyio

CODE_PACKS = Path(__file__).parent / "code"


def fake_service(store: Store) -> tuple[GradingService, FakeCodeGrader]:
    fake = FakeCodeGrader()
    return GradingService(cache=store, code_factory=lambda: fake), fake


async def start(pilot: Pilot[None]) -> PracticeScreen:
    await pilot.press("p")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PracticeScreen)
    return screen


async def test_the_editor_holds_the_starter_and_the_excerpt_its_highlight(store: Store) -> None:
    grading, _ = fake_service(store)
    app = make_app(store, folders=(CODE_PACKS,), grading=grading)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        editor = app.screen.query_one(CodeEditor)
        assert editor.text.startswith("def guide(noise_uncond, noise_text, guidance_scale):")
        assert app.focused is editor
        excerpt = app.screen.query_one(CodeExcerpt)
        assert excerpt.read_only and excerpt.highlighted == frozenset({1})


async def test_ctrl_n_submits_the_code_and_the_feedback_shows_each_case(store: Store) -> None:
    grading, fake = fake_service(store)
    app = make_app(store, folders=(CODE_PACKS,), grading=grading)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("down", "end", "backspace", "backspace", "backspace", *"return 1")
        await pilot.press("ctrl+n")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        assert fake.sources and "return 1" in fake.sources[0]
        view = app.screen.query_one(GradeView)
        assert view.result is not None and view.result.correct is False
        run_view = app.screen.query_one(CodeRunView)
        assert run_view.run.passed == 1 and len(run_view.run.cases) == 3
        solution = app.screen.query_one("#solution", CodeExcerpt)
        assert "noise_uncond + guidance_scale" in solution.text
        # The answer is stored as the source, rated like any wrong answer.
        [review] = store.reviews()
        assert "return 1" in review.answer and review.correct is False


async def test_empty_code_is_not_submitted(store: Store) -> None:
    grading, fake = fake_service(store)
    app = make_app(store, folders=(CODE_PACKS,), grading=grading)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        app.screen.query_one(CodeEditor).text = "   \n"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen) and not fake.sources
        assert "Write some code first." in str(app.screen.query_one(".answer-error").render())


@contextlib.contextmanager
def no_suspend(self: App[object]) -> Iterator[None]:
    yield


async def test_ctrl_e_edits_in_the_external_editor(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "fake-editor.py"
    script.write_text(
        "import sys\n"
        "path = sys.argv[1]\n"
        "text = open(path).read().replace('...', 'return noise_text')\n"
        "open(path, 'w').write(text)\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("VISUAL", f"{sys.executable} {script}")
    monkeypatch.setattr(App, "suspend", no_suspend)
    grading, _ = fake_service(store)
    app = make_app(store, folders=(CODE_PACKS,), grading=grading)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        editor = app.screen.query_one(CodeEditor)
        assert "return noise_text" in editor.text and "..." not in editor.text
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "..." in editor.text  # the external edit can be undone


async def test_ctrl_e_without_an_editor_says_how_to_set_one(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    grading, _ = fake_service(store)
    app = make_app(store, folders=(CODE_PACKS,), grading=grading)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert "Set $EDITOR" in str(
            app.screen.query_one(CodeAnswer).query_one(".answer-error").render()
        )


@pytest.mark.torch
async def test_the_ui_stays_responsive_while_code_times_out(store: Store) -> None:
    # The real code server; quick-timeout allows 1 s and the code never returns.
    grading = GradingService(cache=store, code_factory=CodeGrader)
    app = make_app(store, folders=(CODE_PACKS,), grading=grading)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await pilot.press("ctrl+s")  # to quick-timeout
        await pilot.pause()
        assert screen.session.current is not None
        assert screen.session.current.question.id == "quick-timeout"
        editor = app.screen.query_one(CodeEditor)
        editor.text = "def guide(a, b, c):\n    while True:\n        pass\n"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        # While the code runs (and the server may still be importing torch), keys work.
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FlagScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        result = app.screen.query_one(GradeView).result
        assert result is not None and result.code is not None
        assert result.code.status == "timeout"
        assert result.code.cases[0].error == "timed out after 1 s"
        assert "timed out after 1 s" in result.detail


def code_mock_app(store: Store) -> tuple[QuizApp, FakeCodeGrader]:
    """A seeded mock interview over the code pack, graded by the fake code grader."""
    from quizapp.packs.registry import Registry
    from quizapp.study.interview import MockOptions

    grading, fake = fake_service(store)
    app = QuizApp(
        registry=Registry.load([CODE_PACKS]), store=store, grading=grading, mock=MockOptions(seed=1)
    )
    return app, fake


async def test_a_mock_interview_scores_code_by_cases_passed(store: Store) -> None:
    from textual.widgets import Static

    from quizapp.screens.mock_interview import MockScreen
    from quizapp.screens.report import ReportScreen
    from quizapp.study.mock_plan import question_budget_seconds

    app, fake = code_mock_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MockScreen)
        slots = screen.interview.slots
        assert [slot.budget for slot in slots] == [
            question_budget_seconds(slot.question) for slot in slots
        ]
        for _ in slots:
            # No feedback while the interview runs: ctrl+n hands the code in and moves on.
            await pilot.press("ctrl+n")
            await pilot.pause()
            if isinstance(app.screen, MockScreen):
                shown = " ".join(str(w.render()) for w in app.screen.query(Static))
                assert "✘" not in shown and "cases pass" not in shown
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        assert len(fake.sources) == 2
        report = app.screen.report
        assert [item.credit for item in report.items] == [pytest.approx(1 / 3)] * 2
        assert report.score == pytest.approx(1 / 3)


async def test_escape_ends_a_mock_interview_from_the_code_editor(store: Store) -> None:
    """The editor indents with tab, so it takes escape for itself (to leave the box): the
    interview's escape must come first, or a candidate could not end from a code question."""
    from textual.widgets import TextArea

    from quizapp.screens.mock_interview import MockScreen

    app, _ = code_mock_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MockScreen)
        editor = app.focused
        assert isinstance(editor, TextArea) and editor.tab_behavior == "indent"
        await pilot.press("escape")
        await pilot.pause()
        assert screen._confirm_end
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen  # nothing was answered: discarded
