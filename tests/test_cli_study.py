"""`quizapp stats`, `quizapp practice` and the TUI's start-up errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import RunCli
from tui_helpers import BASIC_PACKS

from quizapp import locations
from quizapp.store.db import Store


def test_stats_json_counts_reviews_flags_and_due(run_cli: RunCli) -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with Store.open(locations.db_path()) as store:
        store.record_review("ui-basics", "choice-noise", "a", True, 4, 3.0, "practice", now)
        store.record_review("ui-basics", "shape-latent", "x", False, 1, 3.0, "practice", now)
        store.save_card("ui-basics", "shape-latent", "{}", now)
        store.add_flag("ui-basics", "shape-latent", "unclear", now)
    code, out, _ = run_cli(["--packs", str(BASIC_PACKS), "stats", "--json"])
    assert code == 0
    data = json.loads(out)
    assert data["reviews"] == 2 and data["mock_sessions"] == 0
    assert data["packs"]["ui-basics"]["retention"] == 0.5
    assert data["installed"]["ui-basics"] == {"total": 7, "due": 1, "new": 6, "mastery": 0.0}
    assert data["flags"][0]["note"] == "unclear"
    code, out, _ = run_cli(["--packs", str(BASIC_PACKS), "stats"])
    assert code == 0
    assert out.startswith("2 reviews · 1 due now · 0 mock interviews · 1 flags")
    assert "ui-basics" in out and "50%" in out and "flag ui-basics/shape-latent" in out


def test_stats_on_an_empty_home(run_cli: RunCli) -> None:
    code, out, _ = run_cli(["stats", "--json"])
    assert code == 0
    assert json.loads(out)["reviews"] == 0


def test_practice_unknown_pack_is_one_line_exit_2(run_cli: RunCli) -> None:
    code, _, err = run_cli(["practice", "--pack", "nope"])
    assert code == 2
    assert err.count("\n") == 1 and "unknown pack 'nope'" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["practice", "--topic", "nosuch"], "no question matches --topic nosuch"),
        (["practice", "--pack", "denoising-step", "--tag", "nosuch"], "--tag nosuch"),
    ],
)
def test_practice_filters_matching_nothing_are_one_line_exit_2(
    argv: list[str], message: str, run_cli: RunCli
) -> None:
    code, _, err = run_cli(argv)
    assert code == 2
    assert err.count("\n") == 1 and message in err


@pytest.mark.parametrize("argv", [[], ["practice"], ["stats"]])
def test_corrupt_store_is_one_line_exit_2_and_untouched(argv: list[str], run_cli: RunCli) -> None:
    path = locations.db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    garbage = b"this is not a database" * 10
    path.write_bytes(garbage)
    code, _, err = run_cli(argv)
    assert code == 2
    assert err.count("\n") == 1 and "not a SQLite database" in err
    assert path.read_bytes() == garbage


def test_stats_json_keys(tmp_path: Path, run_cli: RunCli) -> None:
    code, out, _ = run_cli(["stats", "--json"])
    assert code == 0
    assert {"reviews", "mock_sessions", "packs", "flags", "due", "installed"} <= set(
        json.loads(out)
    )


def test_practice_objective_matching_nothing(run_cli: RunCli) -> None:
    code, _, err = run_cli(["practice", "--objective", "nosuch"])
    assert code == 2 and "no question matches --objective nosuch" in err
