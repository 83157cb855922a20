"""Pilot tests: every flow a learner walks through the home, practice, feedback and summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable
from tui_helpers import RIGHT, SIZE, WRONG, Clock, make_app

from quizapp.app import QuizApp
from quizapp.screens.feedback import FeedbackScreen
from quizapp.screens.flag import FlagScreen
from quizapp.screens.help import HelpScreen
from quizapp.screens.home import HomeScreen
from quizapp.screens.practice import PracticeScreen
from quizapp.screens.summary import SummaryScreen
from quizapp.store.db import Store
from quizapp.study.planning import Filters
from quizapp.study.practice import PracticeOptions
from quizapp.widgets.grade_view import GradeView
from quizapp.widgets.question_card import QuestionCard

pytestmark = pytest.mark.anyio


def practice_screen(app: QuizApp) -> PracticeScreen:
    screen = app.screen
    assert isinstance(screen, PracticeScreen), screen
    return screen


async def start(pilot: Pilot[None]) -> PracticeScreen:
    """From home, `p`: practise every pack."""
    await pilot.press("p")
    await pilot.pause()
    return practice_screen(pilot.app)  # type: ignore[arg-type]


async def skip_to(pilot: Pilot[None], question_id: str) -> PracticeScreen:
    screen = practice_screen(pilot.app)  # type: ignore[arg-type]
    while screen.session.current is not None and screen.session.current.question.id != question_id:
        await pilot.press("ctrl+s")
        await pilot.pause()
    return screen


async def answer(pilot: Pilot[None], text: str, choice: bool = False) -> None:
    await pilot.press(*text) if choice else await pilot.press(*text, "enter")
    await pilot.pause()
    await wait_graded(pilot)


async def wait_graded(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def grade_view(app: QuizApp) -> GradeView:
    assert isinstance(app.screen, FeedbackScreen), app.screen
    return app.screen.query_one(GradeView)


async def test_home_lists_packs_with_counts_and_load_errors(store: Store, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "bad.yaml").write_text("pack: {id: bad}\nquestions: []\n")
    app = make_app(store, folders=(Path(__file__).parent / "ui" / "packs", broken))
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[:5] == ["ui-basics", "UI test pack", "7", "0", "7"]
        errors = str(app.screen.query_one("#pack-errors").render())
        assert "bad.yaml" in errors
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


@pytest.mark.parametrize("question_id", sorted(RIGHT))
@pytest.mark.parametrize("right", [True, False], ids=["right", "wrong"])
async def test_objective_questions_right_and_wrong(
    store: Store, question_id: str, right: bool
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await skip_to(pilot, question_id)
        given = (RIGHT if right else WRONG)[question_id]
        await answer(pilot, given, choice=question_id.startswith("choice"))
        view = grade_view(app)
        assert view.result is not None and view.result.correct is right
        [review] = store.reviews()
        assert (review.question_id, review.correct) == (question_id, right)
        assert review.rating == (4 if right else 1)
        if not right and question_id in ("choice-noise", "shape-latent"):
            assert view.result.trap  # the trap's why is shown
            assert view.query_one("#trap")
        await pilot.press("enter")
        await pilot.pause()
        assert practice_screen(app).session.index == list(RIGHT).index(question_id) + 1


async def test_unreadable_answer_is_explained_inline_and_retyped(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await skip_to(pilot, "shape-latent")
        await pilot.press(*"four by four", "enter")
        await pilot.pause()
        assert app.screen is screen
        error = str(screen.query_one(".answer-error").render())
        assert error and store.reviews() == []
        await pilot.press(*["backspace"] * 20, *"1x4x64x64", "enter")
        await wait_graded(pilot)
        assert grade_view(app).result.correct is True  # type: ignore[union-attr]


async def test_hints_one_at_a_time_then_none(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await pilot.press("h")
        await pilot.pause()
        hints = screen.query_one(QuestionCard).query(".hint")
        assert [str(h.render()) for h in hints] == ["Hint 1: Which space does the UNet work in?"]
        await pilot.press("h", "h")
        await pilot.pause()
        assert len(screen.query_one(QuestionCard).query(".hint")) == 2
        # In a text box `h` types; ctrl+t gives the hint.
        await skip_to(pilot, "shape-latent")
        await pilot.press("h", "ctrl+t")
        await pilot.pause()
        assert len(screen.query_one(QuestionCard).query(".hint")) == 1
        assert screen.query_one("#answer-text").value == "h"  # type: ignore[attr-defined]
        # A right answer with a hint is Good, not Easy.
        await pilot.press("backspace", *"1x4x64x64", "enter")
        await wait_graded(pilot)
        assert store.reviews()[0].rating == 3


async def test_skip_records_nothing_and_flag_is_stored(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FlagScreen)
        await pilot.press(*"choice c is ambiguous", "enter")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert screen.session.current.question.id == "shape-latent"  # type: ignore[union-attr]
        await pilot.press("ctrl+g", "escape")  # cancelled: no flag
        await pilot.pause()
        assert store.reviews() == []
        [flag] = store.flags()
        assert (flag.question_id, flag.note) == ("choice-noise", "choice c is ambiguous")


async def test_override_rating_on_feedback(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await answer(pilot, RIGHT["choice-noise"], choice=True)
        suggested_due = store.card("ui-basics", "choice-noise").due  # type: ignore[union-attr]
        await pilot.press("1")
        await pilot.pause()
        again_due = store.card("ui-basics", "choice-noise").due  # type: ignore[union-attr]
        assert again_due < suggested_due
        assert practice_screen(app).session.outcomes[0].rating == 1


async def test_flashcard_reveal_and_self_rate(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await skip_to(pilot, "flashcard-cfg")
        await pilot.press("enter")
        await wait_graded(pilot)
        view = grade_view(app)
        assert view.result is not None and "batch of 2" in view.result.expected
        await pilot.press("2")
        await pilot.pause()
        [review] = store.reviews()
        # Suggested Good, then overridden with 2: the stored review says what the learner chose.
        assert review.correct is None and review.rating == 2
        assert practice_screen(app).session.outcomes[0].rating == 2


async def test_explain_notes_then_rubric(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await skip_to(pilot, "explain-step")
        await pilot.press(*"unet predicts noise", "ctrl+r")
        await pilot.pause()
        await pilot.press("space", "down", "down", "space", "enter")
        await wait_graded(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        outcome = app.screen.session.outcomes[0]
        assert outcome.rating == 2  # two of three rubric items: Hard
        assert (
            "unet predicts noise" in outcome.answer and "[x] names scheduler.step" in outcome.answer
        )
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)


async def test_whole_session_to_summary_then_home_counts(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        for question_id, given in RIGHT.items():
            await answer(pilot, given, choice=question_id.startswith("choice"))
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press("enter")  # flashcard reveal
        await wait_graded(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+s")  # skip the explain question
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        body = str(app.screen.query_one("#summary-body").render())
        assert "Answered 6" in body and "right 6" in body and "skipped 1" in body
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        row = [str(c) for c in app.screen.query_one(DataTable).get_row_at(0)]
        assert row[2:5] == ["7", "0", "1"]


async def test_cram_leaves_the_schedule_alone(store: Store) -> None:
    app = make_app(store, start=PracticeOptions(Filters(pack="ui-basics"), cram=True))
    async with app.run_test(size=SIZE) as pilot:
        screen = practice_screen(app)
        assert len(screen.session.items) == 7
        await answer(pilot, "b", choice=True)
        await pilot.press("4")
        await pilot.pause()
        assert store.cards() == {}
        assert [r.mode for r in store.reviews()] == ["cram"]


async def test_resume_after_restart_counts_due_and_new(store: Store) -> None:
    clock = Clock()
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await answer(pilot, WRONG["choice-noise"], choice=True)  # wrong: due again soon
        await pilot.press("enter")
        await pilot.pause()
        await answer(pilot, "1x4x64x64")  # right: due in days
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")  # end early
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
    clock.advance(hours=1)
    again = make_app(store, clock)
    async with again.run_test(size=SIZE) as pilot:
        row = [str(c) for c in again.screen.query_one(DataTable).get_row_at(0)]
        assert row[2:5] == ["7", "1", "5"]  # the wrong one is due, five never seen
        screen = await start(pilot)
        assert screen.session.current.question.id == "choice-noise"  # type: ignore[union-attr]
        assert len(screen.session.items) == 6


async def test_palette_commands(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        assert {"Start practice", "Stats", "Help"} <= set(commands)
        commands["Start practice"].callback()
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)


async def test_default_app_paints_home_then_loads_packs(quizapp_home: Path) -> None:
    (quizapp_home / "packs").mkdir()
    source = Path(__file__).parent / "ui" / "packs" / "ui-basics.yaml"
    (quizapp_home / "packs" / "ui-basics.yaml").write_text(source.read_text())
    app = QuizApp(clock=Clock())
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        keys = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert "ui-basics" in keys


async def test_flag_from_the_feedback_view(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await answer(pilot, WRONG["choice-noise"], choice=True)
        assert isinstance(app.screen, FeedbackScreen)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FlagScreen)
        await pilot.press(*"the why is misleading", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        [flag] = store.flags()
        assert (flag.question_id, flag.note) == ("choice-noise", "the why is misleading")
        await pilot.press("enter")
        await pilot.pause()
        assert practice_screen(app).session.current.question.id == "shape-latent"  # type: ignore[union-attr]
