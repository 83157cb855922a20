"""Shared fixtures. Every test runs with QUIZAPP_HOME in a temp dir: never the real home."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from quizapp.store.db import Store


@pytest.fixture(autouse=True)
def quizapp_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty data dir for each test."""
    home = tmp_path_factory.mktemp("quizapp-home")
    monkeypatch.setenv("QUIZAPP_HOME", str(home))
    return home


@pytest.fixture
def anyio_backend() -> str:
    """Pilot tests run on asyncio."""
    return "asyncio"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh progress store in the test's temp dir."""
    with Store.open(tmp_path / "quizapp.db") as opened:
        yield opened
