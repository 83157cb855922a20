"""The workload simulation, and the pack summary cache (hits, misses, invalidation)."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tui_helpers import BASIC_PACKS

from quizapp.packs.registry import Registry
from quizapp.packs.summary_cache import cached_summaries, load_and_remember, summarize
from quizapp.study import scheduling
from quizapp.study.scheduling import MemoryModel
from quizapp.study.workload import RETENTIONS, simulate_workload

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def cards(count: int) -> list[str]:
    made = []
    for n in range(count):
        card, due = scheduling.review(None, 3, NOW - timedelta(days=10 + n % 7))
        card, _ = scheduling.review(card, 3, due)
        made.append(card)
    return made


def test_higher_retention_means_more_reviews() -> None:
    workload = simulate_workload(cards(60), new_available=25, model=MemoryModel(), now=NOW)
    assert [w.retention for w in workload] == list(RETENTIONS)
    per_day = [w.reviews_per_day for w in workload]
    # Shorter intervals above 0.85; below it, more lapses (and relearning) can cost as
    # much as the longer intervals save, as FSRS's workload curves show.
    assert per_day[1] < per_day[2] < per_day[3]
    assert per_day[0] < per_day[3]
    # New questions alone are at least one review each: 25 over 30 days.
    assert per_day[0] >= 25 / 30
    again = simulate_workload(cards(60), new_available=25, model=MemoryModel(), now=NOW)
    assert again == workload  # seeded: the same store gives the same numbers


def test_nothing_to_review_is_no_work() -> None:
    (workload,) = simulate_workload([], 0, MemoryModel(), NOW, retentions=(0.9,))
    assert workload.reviews_per_day == 0


def copy_packs(tmp_path: Path) -> Path:
    folder = tmp_path / "packs"
    shutil.copytree(BASIC_PACKS, folder)
    return folder


def test_cache_hits_until_a_pack_file_changes(tmp_path: Path) -> None:
    folder = copy_packs(tmp_path)
    assert cached_summaries([folder]) is None  # nothing cached yet
    registry = load_and_remember([folder])
    cached = cached_summaries([folder])
    assert cached == summarize(registry)
    assert cached is not None and cached[0].questions[0].key == ("ui-basics", "choice-noise")
    pack = next(folder.glob("*.yaml"))
    text = pack.read_text()
    pack.write_text(text + "\n")  # size changes
    assert cached_summaries([folder]) is None
    load_and_remember([folder])
    stat = pack.stat()
    os.utime(pack, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # mtime only
    assert cached_summaries([folder]) is None
    load_and_remember([folder])
    (folder / "extra.yaml").write_text(text.replace("id: ui-basics", "id: ui-extra", 1))
    assert cached_summaries([folder]) is None  # a new file is a miss too


def test_a_broken_pack_is_remembered_and_skipped(tmp_path: Path) -> None:
    folder = copy_packs(tmp_path)
    (folder / "broken.yaml").write_text("pack: [unclosed\n")
    registry = load_and_remember([folder])
    assert registry.errors
    cached = cached_summaries([folder])
    assert cached is not None and [s.pack_id for s in cached] == list(registry.packs)


def test_a_garbled_cache_is_a_miss(tmp_path: Path, quizapp_home: Path) -> None:
    folder = copy_packs(tmp_path)
    load_and_remember([folder])
    cache = quizapp_home / "cache" / "pack-summaries.json"
    cache.write_text("{not json")
    assert cached_summaries([folder]) is None
    assert Registry.load([folder]).packs  # the packs themselves are untouched
