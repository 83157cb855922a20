"""Home marks a pack "updated" when its version went up since the learner last saw it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import DataTable
from tui_helpers import BASIC_PACKS, make_app, settle

from quizapp.packs.updates import version_updates
from quizapp.store.db import Store

pytestmark = pytest.mark.anyio


def title_of(app: object, pack_id: str) -> str:
    table = app.screen.query_one("#packs", DataTable)  # type: ignore[attr-defined]
    return str(table.get_row(pack_id)[1])


async def home_title(store: Store, folder: Path) -> str:
    app = make_app(store, folders=(folder,))
    async with app.run_test() as pilot:
        await settle(pilot)
        return title_of(app, "ui-basics")


async def test_a_version_bump_shows_once_as_updated(store: Store, tmp_path: Path) -> None:
    pack = tmp_path / "ui-basics.yaml"
    shutil.copy(BASIC_PACKS / "ui-basics.yaml", pack)
    # First sight: new, not updated.
    assert await home_title(store, tmp_path) == "UI test pack"
    assert store.seen_versions() == {"ui-basics": 1}
    pack.write_text(pack.read_text().replace("version: 1", "version: 2"))
    assert await home_title(store, tmp_path) == "UI test pack updated v2"
    assert store.seen_versions() == {"ui-basics": 2}
    # Seen now: the next run shows it plainly.
    assert await home_title(store, tmp_path) == "UI test pack"


def test_version_updates() -> None:
    seen = {"a": 1, "b": 3, "c": 2}
    current = {"a": 2, "b": 2, "c": 2, "new": 1}
    assert version_updates(current, seen) == {"a": (1, 2)}
