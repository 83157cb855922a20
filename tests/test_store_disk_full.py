"""A full disk, for real: a small tmpfs filled to the last byte.

Opening must say "disk full" (never "corrupt … move it aside", which invites throwing a
good store away) and leave the file as it was; a write that fails mid-session keeps the
session going, keeps the answer in memory, retries it, and loses nothing saved before.
Skipped where mounting a tmpfs is not allowed (it needs root, or a user namespace).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from study_factories import item

from quizapp.grading.result import GradeResult
from quizapp.store.db import Store, StoreError
from quizapp.store.rows import Rating
from quizapp.study.planning import StudyItem
from quizapp.study.practice import PracticeSession

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
#: Bigger than anything SQLite has room for in pages it already holds: the write must grow
#: the WAL, so on a full disk it fails (a small one could reuse a checkpointed WAL's pages).
BIG_ANSWER = "x" * 300_000


class Disk:
    """A tmpfs of a few MiB, and a filler file that takes whatever space is left."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.filler = root / "filler"

    def fill(self) -> None:
        handle = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            # 4 KiB at a time, then what a page could not take a byte at a time.
            for size in (4096, 1):
                try:
                    while True:
                        os.write(handle, b"\0" * size)
                except OSError:
                    pass
        finally:
            os.close(handle)

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)


@pytest.fixture
def disk() -> Iterator[Disk]:
    if sys.platform != "linux" or shutil.which("mount") is None:
        pytest.skip("needs Linux's mount")
    root = Path(tempfile.mkdtemp(prefix="quizapp-full-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(root)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        root.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield Disk(root)
    finally:
        subprocess.run(["umount", "-l", str(root)], check=False)
        root.rmdir()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def flashcards(n: int) -> list[StudyItem]:
    return [item(f"q{i}", "flashcard") for i in range(n)]


def test_opening_on_a_full_disk_says_disk_full_and_touches_nothing(disk: Disk) -> None:
    path = disk.root / "quizapp.db"
    with Store.open(path) as store:
        for i in range(5):
            store.record_review("p", f"q{i}", "a", True, None, 1.0, "practice", T0)
    before = digest(path)
    disk.fill()
    # Twice: the first attempt may leave a short -shm behind, which once read as "corrupt".
    for _ in range(2):
        with pytest.raises(StoreError) as refused:
            Store.open(path)
        message = str(refused.value)
        assert message.startswith("disk full: the progress store")
        assert "corrupt" not in message and "move it aside" not in message
        assert "\n" not in message
    assert digest(path) == before
    disk.free()
    with Store.open(path) as store:
        assert len(store.reviews()) == 5


def test_a_write_that_fails_mid_session_is_kept_and_retried(disk: Disk) -> None:
    path = disk.root / "quizapp.db"
    items = flashcards(4)
    now = [T0]
    with Store.open(path) as store:
        session = PracticeSession(items, store, lambda: now[0])
        right = GradeResult(True, "!", "!")

        def answer(text: str) -> bool:
            session.show()
            outcome = session.record(text, right, seconds=3.0)
            session.advance()
            now[0] += timedelta(minutes=1)
            return outcome.saved

        assert answer("first")
        disk.fill()
        assert not answer(BIG_ANSWER)  # no exception: the session goes on
        assert session.unsaved == 1
        assert session.recorder.error is not None
        assert session.recorder.error.startswith("disk full: the progress store")
        # Still full: the next answer waits behind it, in order.
        assert not answer("third")
        assert session.unsaved == 2
        disk.free()
        assert answer("fourth")
        assert session.unsaved == 0 and session.recorder.error is None
        reviews = store.reviews()
        assert [(r.question_id, len(r.answer)) for r in reviews] == [
            ("q0", 5),
            ("q1", len(BIG_ANSWER)),
            ("q2", 5),
            ("q3", 6),
        ]
        assert len(store.cards()) == 4
    # And it all survives a reopen.
    with Store.open(path) as reopened:
        assert len(reopened.reviews()) == 4


def test_an_override_of_a_waiting_answer_is_what_gets_saved(disk: Disk) -> None:
    path = disk.root / "quizapp.db"
    (only,) = flashcards(1)
    with Store.open(path) as store:
        session = PracticeSession([only], store, lambda: T0)
        session.show()
        disk.fill()
        outcome = session.record(BIG_ANSWER, GradeResult(True, "!", "!"), seconds=3.0)
        assert not outcome.saved and outcome.rating == Rating.EASY
        session.rate(outcome, 1)  # Again, while the answer still waits
        assert session.unsaved == 1
        disk.free()
        assert session.recorder.retry() and outcome.saved
        (review,) = store.reviews()
        assert review.rating == Rating.AGAIN
        card = store.card(*only.key)
        assert card is not None and card.due < T0 + timedelta(hours=1)


def test_permissions_are_not_a_full_disk(tmp_path: Path) -> None:
    from quizapp.store.opening import failure, is_disk_full

    error = OSError(13, os.strerror(13))
    assert not is_disk_full(error, tmp_path)
    assert failure(tmp_path / "x.db", error, "open").startswith(f"cannot open {tmp_path}")


@pytest.mark.anyio
async def test_the_app_keeps_going_and_says_the_answer_was_not_saved(disk: Disk) -> None:
    from test_tui_practice import answer, start
    from tui_helpers import RIGHT, SIZE, make_app

    from quizapp.screens.feedback import FeedbackScreen

    with Store.open(disk.root / "quizapp.db") as store:
        app = make_app(store)
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            await answer(pilot, RIGHT["choice-noise"], choice=True)
            await pilot.press("enter")
            disk.fill()
            await answer(pilot, RIGHT["shape-latent"])
            assert isinstance(app.screen, FeedbackScreen)  # graded and shown, not crashed
            (warning,) = [n for n in app._notifications if n.severity == "error"]
            assert warning.title == "Not saved"
            assert warning.message.startswith("Your answer could not be saved (disk full: ")
            assert [r.question_id for r in store.reviews()] == ["choice-noise"]
            await pilot.press("enter")
            disk.free()
            await answer(pilot, RIGHT["numeric-scaling"])
            assert any("Saved 1 earlier answer(s)" in n.message for n in app._notifications)
        assert [r.question_id for r in store.reviews()] == [
            "choice-noise",
            "shape-latent",
            "numeric-scaling",
        ]


@pytest.mark.anyio
async def test_a_mock_interview_on_a_full_disk_still_ends_on_its_report(disk: Disk) -> None:
    from test_tui_mock import answer_current, mock_app, mock_screen
    from tui_helpers import SIZE, Clock

    from quizapp.screens.report import ReportScreen
    from quizapp.screens.rubric import RubricScreen
    from quizapp.study.recording import Recorder

    with Store.open(disk.root / "quizapp.db") as store:
        app = mock_app(store, Clock())
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            disk.fill()
            for _ in mock_screen(app).interview.slots:
                await answer_current(pilot)
            assert isinstance(app.screen, RubricScreen)
            for _ in app.screen.slots:
                await pilot.press("space", "enter")
                await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, ReportScreen)
            messages = [n.message for n in app._notifications if n.severity == "error"]
            assert any(m.startswith("This interview's report could not be saved") for m in messages)
            assert any(m.startswith("5 answer(s) could not be saved (disk full") for m in messages)
        disk.free()
        assert Recorder.of(store).retry()
        assert len(store.reviews()) == 5


@pytest.mark.anyio
async def test_a_flag_on_a_full_disk_is_said_unsaved_and_the_session_goes_on(disk: Disk) -> None:
    from test_tui_practice import start
    from tui_helpers import SIZE, make_app

    from quizapp.screens.practice import PracticeScreen

    with Store.open(disk.root / "quizapp.db") as store:
        app = make_app(store)
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            disk.fill()
            await pilot.press("f")
            await pilot.pause()
            await pilot.press(*"ambiguous", "enter")
            await pilot.pause()
            assert isinstance(app.screen, PracticeScreen)
            (warning,) = [n for n in app._notifications if n.severity == "error"]
            assert warning.message.startswith("The flag could not be saved (disk full: ")
        assert store.flags() == []
