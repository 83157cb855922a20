"""The variant draw (deterministic, never the last one) and where variants are stored."""

from __future__ import annotations

import itertools
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from quizapp.packs.families import pinned_settings, variants
from quizapp.packs.loader import load_pack
from quizapp.store.db import Store
from quizapp.store.migrations import LATEST_VERSION, MIGRATIONS
from quizapp.store.rows import to_db_time
from quizapp.study.planning import StudyItem
from quizapp.study.variants import draw, draw_item

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
PACK = load_pack(Path(__file__).parent / "packs" / "families" / "family.yaml")
UNET = PACK.pack.questions[0]
PLAIN = PACK.pack.questions[2]


def test_draw_is_deterministic() -> None:
    first = [draw("p", "q", 8, n, None) for n in range(20)]
    assert first == [draw("p", "q", 8, n, None) for n in range(20)]
    assert first != [draw("p", "other", 8, n, None) for n in range(20)]


@given(st.integers(2, 64), st.text(min_size=1, max_size=8))
def test_draw_walks_every_variant_and_never_repeats_the_last(count: int, qid: str) -> None:
    drawn = [draw("pack", qid, count, n, None) for n in range(2 * count)]
    assert sorted(drawn[:count]) == list(range(count))
    assert all(a != b for a, b in itertools.pairwise(drawn))


@given(st.integers(2, 64), st.integers(0, 200), st.integers(0, 63))
def test_draw_steps_past_a_last_variant_from_another_history(
    count: int, reviews: int, last: int
) -> None:
    last %= count
    assert draw("pack", "q", count, reviews, last) != last


def test_one_variant_is_always_index_zero() -> None:
    assert draw("p", "q", 1, 5, 0) == 0


def test_draw_item_pins_families_and_leaves_others(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        plain = StudyItem("families", PLAIN)
        assert draw_item(plain, store) is plain
        shown = []
        for n in range(3):
            item = draw_item(StudyItem("families", UNET), store)
            settings = pinned_settings(item.question)
            assert settings in variants(UNET)
            assert "{height}" not in item.question.prompt
            shown.append(settings)
            store.record_review(
                "families",
                UNET.id,
                "x",
                False,
                1,
                1.0,
                "practice",
                T0 + timedelta(minutes=n),
                variant=settings,
            )
        assert shown[0] != shown[1] != shown[2]
        assert [row.variant for row in store.reviews()] == shown
        assert store.variant_history("families", UNET.id) == (3, shown[-1])


def build_v2(path: Path) -> None:
    """A store exactly as schema version 2 left it, with one review."""
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS[:2]:
        for statement in migration.statements:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.execute(
        "INSERT INTO reviews (pack_id, question_id, answer, correct, rating, seconds, mode,"
        " reviewed_at) VALUES ('p', 'q', 'a', 1, 3, 2.0, 'practice', ?)",
        (to_db_time(T0),),
    )
    conn.commit()
    conn.close()


def test_migration_adds_the_variant_to_an_old_store(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    build_v2(path)
    with Store.open(path) as store:
        [old] = store.reviews()
        assert old.variant is None and old.answer == "a"
        assert store.variant_history("p", "q") == (1, None)
        store.record_review(
            "p",
            "q",
            "b",
            True,
            3,
            1.0,
            "practice",
            T0 + timedelta(hours=1),
            variant={"height": 512, "guidance_scale": 7.5},
        )
        assert store.variant_history("p", "q") == (2, {"height": 512, "guidance_scale": 7.5})
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    conn.close()
