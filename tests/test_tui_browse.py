"""Pilot tests of the browse screen and `quizapp preview`: reload on save, errors inline,
references computed off the UI thread (by a fake worker: no torch), trying a question."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static
from tui_helpers import BASIC_PACKS, SIZE, FamilyWorker, make_app

from quizapp.grading.client import ProbeOutcome
from quizapp.grading.errors import ProbeFailed
from quizapp.grading.probekey import probe_key
from quizapp.grading.service import GradingService, MemoryCache
from quizapp.packs.loader import load_pack
from quizapp.packs.models import Probe
from quizapp.preview_app import PreviewApp
from quizapp.screens.browse import POLL_SECONDS, BrowseScreen
from quizapp.screens.home import HomeScreen
from quizapp.screens.try_question import TryScreen
from quizapp.store.db import Store
from quizapp.widgets.grade_view import GradeView
from quizapp.widgets.question_card import QuestionCard
from quizapp.widgets.reference_view import ReferenceView

pytestmark = pytest.mark.anyio

BROWSE_DIR = Path(__file__).parent / "ui" / "browse"
BROWSE_PACK = BROWSE_DIR / "browse.yaml"
ALPHA = 0.27633246779441833


@pytest.fixture
def pack_file(tmp_path: Path) -> Path:
    """A copy of the browse pack that a test may rewrite."""
    path = tmp_path / "browse.yaml"
    shutil.copy(BROWSE_PACK, path)
    return path


class FakeWorker:
    """Stands in for the reference worker: answers `value`, after `gate` opens, or fails."""

    def __init__(
        self, value: Any = ALPHA, gate: threading.Event | None = None, fail: str | None = None
    ) -> None:
        self.value = value
        self.gate = gate
        self.fail = fail
        self.calls: list[str] = []
        self.ready = True

    def start(self) -> None:
        pass

    def run(self, probe: Probe, model_path: Path | None) -> ProbeOutcome:
        self.calls.append(probe.observe)
        if self.gate is not None:
            self.gate.wait(10)
        if self.fail is not None:
            raise ProbeFailed(self.fail)
        return ProbeOutcome(self.value, ("fake worker ran DDPMScheduler",), {})

    def abandon(self, probe: Probe, model_path: Path | None) -> bool:
        return False

    def close(self) -> None:
        pass


def no_worker() -> Any:
    raise AssertionError("the reference worker must not start")


def cached_service() -> GradingService:
    """A service that knows alpha-bar's value already: no worker is ever started."""
    cache = MemoryCache()
    probe = load_pack(BROWSE_PACK).pack.questions[0].probe  # type: ignore[union-attr]
    assert probe is not None
    cache.cache_put(probe_key(probe, None), json.dumps(ALPHA), json.dumps(["cached trace"]))
    return GradingService(cache=cache, worker_factory=no_worker)


def browse(app: Any) -> BrowseScreen:
    screen = app.screen
    assert isinstance(screen, BrowseScreen), screen
    return screen


def text_of(widget: Static) -> str:
    return str(widget.render())


def reference_text(app: Any) -> str:
    return text_of(app.screen.query_one(ReferenceView))


def prompt_of(app: Any) -> str:
    return app.screen.query_one(QuestionCard).question.prompt


async def save(pilot: Pilot[Any], path: Path, text: str) -> None:
    """Write `text` as an editor would, then let the watcher see it."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    # Some file systems keep a coarse mtime: make sure this save looks like a new one.
    later = max(before + 10**9, path.stat().st_mtime_ns)
    os.utime(path, ns=(later, later))
    await pilot.pause(POLL_SECONDS * 2 + 0.1)
    await settle(pilot)


async def settle(pilot: Pilot[Any]) -> None:
    """Let the pack file be read (in a thread worker) and shown."""
    loading = [worker for worker in pilot.app.workers if worker.group == "load-pack"]
    if loading:  # (an empty list would mean "wait for every worker")
        await pilot.app.workers.wait_for_complete(loading)
    await pilot.pause()


# -- preview: reload on save -------------------------------------------------------------


async def test_preview_lists_questions_with_reference(pack_file: Path) -> None:
    app = PreviewApp(pack_file, cached_service())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = browse(app)
        table = screen.query_one(DataTable)
        assert table.row_count == 3
        assert [table.get_row_at(i)[1] for i in range(3)] == ["alpha-bar", "owner", "latent-shape"]
        assert table.get_row_at(0)[0] == "●" and table.get_row_at(1)[0] == ""
        shown = reference_text(app)
        assert "Computed: 0.276332" in shown
        assert "Trap: 0.077797" in shown and "cached trace" in shown
        assert "check fails" not in shown


async def test_preview_reloads_on_save_and_keeps_the_selection(pack_file: Path) -> None:
    app = PreviewApp(pack_file, cached_service())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down")
        await pilot.pause()
        assert browse(app).selected_id == "owner"
        text = pack_file.read_text()
        await save(pilot, pack_file, text.replace("Which object owns", "Which one owns"))
        assert browse(app).selected_id == "owner"
        assert prompt_of(app).startswith("Which one owns the update rule?")
        # A renamed question: the selection stays at the same place in the list.
        await save(pilot, pack_file, text.replace("id: owner", "id: who-owns"))
        assert browse(app).selected_id == "who-owns"
        assert browse(app).query_one(DataTable).cursor_row == 1


async def test_invalid_save_shows_located_errors_then_recovers(pack_file: Path) -> None:
    app = PreviewApp(pack_file, cached_service())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down")
        await pilot.pause()
        good = pack_file.read_text()
        bad = good.replace("    difficulty: 2\n", "    difficulty: 9\n").replace(
            "    answer: [1, 4, 64, 64]", "    answr: [1, 4, 64, 64]"
        )
        await save(pilot, pack_file, bad)
        screen = browse(app)
        errors = text_of(screen.query_one("#browse-errors", Static))
        assert screen.query_one("#browse-body").display is False
        assert f"{pack_file}:45:17: question 'latent-shape': difficulty: " in errors
        assert f"{pack_file}:48:5: question 'latent-shape': unknown key 'answr'" in errors
        assert "2 error(s)" in errors
        await pilot.press("t")  # nothing to try while the file is broken
        await pilot.pause()
        assert app.screen is screen
        await save(pilot, pack_file, good)
        assert screen.query_one("#browse-errors").display is False
        assert screen.query_one("#browse-body").display is True
        assert screen.selected_id == "latent-shape"
        assert "Answer: (1, 4, 64, 64)" in reference_text(app)
        # The list has its focus back: the arrows move again.
        assert screen.focused is screen.query_one(DataTable)
        await pilot.press("up")
        await pilot.pause()
        assert screen.selected_id == "owner"
        assert screen.active_bindings["t"].enabled


async def test_deleted_then_restored_file(pack_file: Path) -> None:
    app = PreviewApp(pack_file, cached_service())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = pack_file.read_text()
        pack_file.unlink()
        await pilot.pause(POLL_SECONDS * 2 + 0.1)
        await settle(pilot)
        errors = text_of(browse(app).query_one("#browse-errors", Static))
        assert "cannot read" in errors
        await save(pilot, pack_file, text)
        assert browse(app).query_one(DataTable).row_count == 3


async def test_preview_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # open() on it would wait forever for a writer
    app = PreviewApp(fifo, cached_service())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        errors = text_of(browse(app).query_one("#browse-errors", Static))
        assert f"{fifo}:1:1: not a regular file" in errors
        await pilot.press("q")


async def test_preview_escape_quits(pack_file: Path) -> None:
    app = PreviewApp(pack_file, cached_service())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 0


# -- executed references: computed in a thread worker --------------------------------------


async def test_executed_reference_shows_computing_then_the_value(pack_file: Path) -> None:
    gate = threading.Event()
    worker = FakeWorker(gate=gate)
    cache = MemoryCache()
    app = PreviewApp(pack_file, GradingService(cache=cache, worker_factory=lambda: worker))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ReferenceView)
        assert view.has_class("computing"), reference_text(app)
        assert reference_text(app).startswith("computing…")
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not view.has_class("computing")
        shown = reference_text(app)
        assert "Computed: 0.276332" in shown and "fake worker ran DDPMScheduler" in shown
    assert worker.calls == ["alphas_cumprod[500]"]


async def test_late_reference_of_a_question_left_is_dropped(pack_file: Path) -> None:
    gate = threading.Event()
    worker = FakeWorker(gate=gate)
    app = PreviewApp(pack_file, GradingService(worker_factory=lambda: worker))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down")
        await pilot.pause()
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Accepted: scheduler | the scheduler" in reference_text(app)
        # Back on the executed question: the value computed meanwhile is cached.
        await pilot.press("up")
        await pilot.pause()
        assert "Computed: 0.276332" in reference_text(app)
    assert worker.calls == ["alphas_cumprod[500]"]


async def test_probe_failure_is_shown_inline(pack_file: Path) -> None:
    worker = FakeWorker(fail="worker exited with status 3")
    app = PreviewApp(pack_file, GradingService(worker_factory=lambda: worker))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        view = app.screen.query_one(ReferenceView)
        assert view.has_class("failed")
        assert reference_text(app) == "The probe could not be run: worker exited with status 3"


async def test_wrong_expect_is_reported_where_the_author_looks(pack_file: Path) -> None:
    pack_file.write_text(pack_file.read_text().replace("expect: 0.276332", "expect: 0.2"))
    app = PreviewApp(pack_file, cached_service())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "check fails: expect 0.2 but the probe computed 0.276332" in reference_text(app)


# -- trying a question -------------------------------------------------------------------


async def test_try_grades_an_answer_without_recording_it(pack_file: Path) -> None:
    app = PreviewApp(pack_file, cached_service())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "t")
        await pilot.pause()
        assert isinstance(app.screen, TryScreen)
        await pilot.press(*"1x3x512x512", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = app.screen.query_one(GradeView).result
        assert result is not None and result.correct is False
        assert result.trap == "That is the image; the UNet works on latents."
        # Answer again: the author can try every spelling and trap.
        await pilot.press(*["backspace"] * 11, *"(1, 4, 64, 64)", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        again = app.screen.query_one(GradeView).result
        assert again is not None and again.correct is True
        await pilot.press("escape")
        await pilot.pause()
        assert browse(app).selected_id == "latent-shape"


async def test_try_an_executed_question_uses_the_computed_value(pack_file: Path) -> None:
    app = PreviewApp(pack_file, cached_service())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # enter on a row tries it too
        await pilot.pause()
        await pilot.press(*"0.27633", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = app.screen.query_one(GradeView).result
        assert result is not None and result.correct is True


# -- from home -------------------------------------------------------------------------


async def test_home_b_browses_the_highlighted_pack(store: Store) -> None:
    app = make_app(store, folders=(BROWSE_DIR,), grading=cached_service())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await pilot.pause()
        screen = browse(app)
        assert screen.loaded is not None and screen.loaded.id == "ui-browse"
        assert screen.watching is False
        assert "Computed: 0.276332" in reference_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    # Browsing records nothing.
    assert store.stats(app.clock()).reviews == 0


async def test_preview_styles_the_explain_notes_box_without_app_css() -> None:
    # The preview app loads no app stylesheet: the input's own CSS sizes the notes box.
    app = PreviewApp(BASIC_PACKS / "ui-basics.yaml", GradingService())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*["down"] * 6, "t")
        await pilot.pause()
        assert isinstance(app.screen, TryScreen)
        assert app.screen.query_one("#answer-notes").outer_size.height == 8  # 6 rows + border


async def test_trying_an_explain_question_shows_the_model_answer_once() -> None:
    app = PreviewApp(BASIC_PACKS / "ui-basics.yaml", GradingService())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*["down"] * 6, "t")
        await pilot.pause()
        await pilot.press("ctrl+r")  # the model answer and the rubric
        await pilot.pause()
        await pilot.press("space", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TryScreen)
        grade = screen.query_one(GradeView)
        assert grade.result is not None and grade.display
        shown = [str(widget.render()) for widget in screen.query("Static, Markdown, MarkdownBlock")]
        model = "guidance mixes the two halves"
        assert sum(model in text for text in shown) == 1, shown


# -- computed traps: each shown with its value in the variant shown ----------------------

FAMILY_PACK = Path(__file__).parent / "packs" / "families" / "family.yaml"


async def test_a_computed_trap_shows_its_value_for_the_variant_shown() -> None:
    worker = FamilyWorker()
    app = PreviewApp(FAMILY_PACK, GradingService(worker_factory=lambda: worker))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await pilot.press("v")  # variant 2: guidance 7.5, where the trap differs
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = reference_text(app)
        assert "Computed: (2, 4, 32, 64)" in shown
        assert "Trap (noise_pred.shape): (1, 4, 32, 64) — That is the guided prediction." in shown
        assert "Trap: (1, 77, 768) — That is the text embedding." in shown
        assert "None" not in shown and "check fails" not in shown, shown
    assert worker.calls[-2:] == ["unet_output.shape", "noise_pred.shape"]
