"""Opening the store: a read-only place is one clear line; a race at first open never fails."""

from __future__ import annotations

import contextlib
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quizapp import locations
from quizapp.cli import main
from quizapp.store import opening
from quizapp.store.db import Store, StoreError
from quizapp.store.opening import retry_locked


@pytest.fixture
def nothing_writable(monkeypatch: pytest.MonkeyPatch) -> None:
    """As for a user without rights, or a read-only mount (tests run as root, who has all)."""
    real = os.access
    monkeypatch.setattr(
        opening.os, "access", lambda path, mode: False if mode & os.W_OK else real(path, mode)
    )


def run_main(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as done:
        main(list(args))
    return int(done.value.code or 0), err.getvalue()


@pytest.mark.usefixtures("nothing_writable")
def test_a_folder_we_cannot_write_is_one_line_and_exit_2() -> None:
    code, err = run_main("stats")
    assert code == 2
    assert err.count("\n") == 1 and "needs a writable folder" in err


def test_a_read_only_store_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    Store.open(locations.db_path()).close()
    real = os.access
    db = str(locations.db_path())
    monkeypatch.setattr(
        opening.os,
        "access",
        lambda path, mode: False if str(path) == db and mode & os.W_OK else real(path, mode),
    )
    code, err = run_main("report")
    assert code == 2
    assert "is read-only" in err and err.count("\n") == 1


@pytest.mark.usefixtures("nothing_writable")
def test_grading_goes_on_without_the_cache(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_main("grade", "denoising-step", "model-input-is-xt", "x")
    assert code == 0
    assert "results are not cached" in err and "Traceback" not in err
    assert "expected" in capsys.readouterr().out


def test_the_cache_never_fails_a_grade(tmp_path: Path) -> None:
    path = tmp_path / "quizapp.db"
    Store.open(path).close()
    # The same store through a connection that cannot write (as after a chmod mid-session).
    read_only = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
    with Store(path, read_only) as store:
        store.cache_put("k", "1", "[]")  # skipped, not raised
        assert store.cache_get("k") is None


def test_retry_outlasts_a_transient_lock() -> None:
    calls = []

    def step() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise sqlite3.OperationalError("database is locked")
        return "done"

    assert retry_locked(step, sleep=lambda _: None) == "done"
    assert len(calls) == 3


def test_retry_gives_up_on_other_errors_at_once() -> None:
    calls = []

    def step() -> None:
        calls.append(1)
        raise sqlite3.OperationalError("no such table: x")

    with pytest.raises(sqlite3.OperationalError):
        retry_locked(step, sleep=lambda _: None)
    assert len(calls) == 1


def test_retry_has_a_deadline() -> None:
    now = [0.0]

    def step() -> None:
        now[0] += 1.0
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(sqlite3.OperationalError):
        retry_locked(step, seconds=5, sleep=lambda _: None, clock=lambda: now[0])


def test_two_processes_opening_a_new_store_at_once(tmp_path: Path) -> None:
    script = (
        "import sys\nfrom pathlib import Path\nfrom quizapp.store.db import Store\n"
        "Store.open(Path(sys.argv[1])).close()\n"
    )
    for round_ in range(5):
        path = tmp_path / f"race-{round_}.db"
        children = [
            subprocess.Popen([sys.executable, "-c", script, str(path)], stderr=subprocess.PIPE)
            for _ in range(3)
        ]
        for child in children:
            _, err = child.communicate(timeout=60)
            assert child.returncode == 0, err
    with pytest.raises(StoreError):
        Store.open(tmp_path)  # a folder is not a store


@pytest.mark.parametrize("version", [-1, -2147483648, 0])
def test_a_schema_version_no_quizapp_writes_is_refused_untouched(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / "quizapp.db"
    Store.open(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {version}")
    connection.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as refused:
        Store.open(path)
    assert str(refused.value) == (
        f"{path} has schema version {version}, which no quizapp writes; quizapp will not "
        "touch it (move it aside, or set QUIZAPP_HOME, to start fresh)"
    )
    assert path.read_bytes() == before
    # No -wal or -shm beside it either: nothing was opened for writing.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quizapp.db", "quizapp.db-checked"]
