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
    startup_gc.restore()  # whatever ran before in this process
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


def test_main_defers_while_the_command_runs_and_restores_after(
    usual_gc: tuple[int, int, int], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from quizapp import cli

    seen: list[tuple[int, int, int]] = []

    def command(argv: list[str] | None) -> int:
        seen.append(gc.get_threshold())
        return 0

    monkeypatch.setattr(cli, "_run", command)
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert seen == [(startup_gc.STARTUP_THRESHOLD, *usual_gc[1:])]
    assert gc.get_threshold() == usual_gc
    capsys.readouterr()
