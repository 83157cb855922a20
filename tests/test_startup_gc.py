"""Start-up collects rarely, and the app restores the usual collection after its first frame."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest
from tui_helpers import make_app, settle

from quizapp import startup_gc
from quizapp.store.db import Store


@pytest.fixture
def usual_gc() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    yield before
    startup_gc.settle()
    gc.unfreeze()
    gc.set_threshold(*before)


def test_defer_raises_the_youngest_threshold_once_and_settle_restores(
    usual_gc: tuple[int, int, int],
) -> None:
    startup_gc.defer_collection()
    startup_gc.defer_collection()  # a second call must not remember the raised value
    assert gc.get_threshold() == (startup_gc.STARTUP_THRESHOLD, *usual_gc[1:])
    frozen = gc.get_freeze_count()
    startup_gc.settle()
    assert gc.get_threshold() == usual_gc
    assert gc.get_freeze_count() > frozen
    startup_gc.settle()  # nothing to do any more
    assert gc.get_threshold() == usual_gc


def test_settle_without_defer_changes_nothing(usual_gc: tuple[int, int, int]) -> None:
    frozen = gc.get_freeze_count()
    startup_gc.settle()
    assert gc.get_threshold() == usual_gc
    assert gc.get_freeze_count() == frozen


@pytest.mark.anyio
async def test_the_app_settles_after_its_first_frame(
    usual_gc: tuple[int, int, int], store: Store
) -> None:
    startup_gc.defer_collection()
    app = make_app(store)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert gc.get_threshold() == usual_gc


def test_main_defers_before_the_command_runs(usual_gc: tuple[int, int, int], capsys: Any) -> None:
    from quizapp import cli

    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert gc.get_threshold()[0] == startup_gc.STARTUP_THRESHOLD
    capsys.readouterr()
