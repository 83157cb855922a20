"""The SQLite progress store: every method, durability, migrations, and files it must refuse."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.store import Store, StoreError
from quizapp.store.migrations import APPLICATION_ID, LATEST_VERSION, MIGRATIONS, TABLES
from quizapp.store.rows import PackHistory, from_db_time, to_db_time

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "dir" / "quizapp.db"


@pytest.fixture
def store(db_file: Path) -> Store:
    return Store.open(db_file)


def pragma(path: Path, name: str) -> object:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]


# -- creation ----------------------------------------------------------------------------


def test_open_creates_parent_dirs_schema_and_wal(db_file: Path) -> None:
    with Store.open(db_file):
        assert db_file.is_file()
        assert pragma(db_file, "journal_mode") == "wal"
        assert pragma(db_file, "user_version") == LATEST_VERSION
        assert pragma(db_file, "application_id") == APPLICATION_ID
        with sqlite3.connect(db_file) as conn:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert names >= TABLES


def test_reopen_is_idempotent(db_file: Path) -> None:
    with Store.open(db_file) as first:
        first.record_review("p", "q", "a", True, 3, 1.0, "practice", T0)
    with Store.open(db_file) as second:
        assert len(second.reviews()) == 1
    assert pragma(db_file, "user_version") == LATEST_VERSION


def test_zero_byte_file_is_initialised(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    with Store.open(path) as store:
        assert store.stats(T0).reviews == 0


def test_closed_store_raises_store_error(store: Store) -> None:
    store.close()
    store.close()  # twice is fine
    with pytest.raises(StoreError, match="closed"):
        store.reviews()


# -- reviews -----------------------------------------------------------------------------


def test_record_and_filter_reviews(store: Store) -> None:
    first = store.record_review("pa", "q1", "[2, 4]", True, 4, 3.5, "practice", T0)
    second = store.record_review(
        "pa", "q2", "ε-prediction", None, None, 10, "mock", T0 + timedelta(seconds=1)
    )
    store.record_review("pb", "q1", "x", False, 1, 2.0, "cram", T0 + timedelta(seconds=2))
    assert second > first

    rows = store.reviews()
    assert [(r.pack_id, r.question_id) for r in rows] == [("pa", "q1"), ("pa", "q2"), ("pb", "q1")]
    assert rows[0].correct is True and rows[0].rating == 4 and rows[0].seconds == 3.5
    assert rows[1].correct is None and rows[1].rating is None and rows[1].answer == "ε-prediction"
    assert rows[2].correct is False and rows[2].mode == "cram"
    assert rows[0].reviewed_at == T0 and rows[0].reviewed_at.tzinfo is not None

    assert [r.question_id for r in store.reviews(pack_id="pa")] == ["q1", "q2"]
    assert [r.pack_id for r in store.reviews(question_id="q1")] == ["pa", "pb"]
    assert [r.id for r in store.reviews(pack_id="pb", question_id="q1")] == [rows[2].id]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "exam"}, "mode"),
        ({"rating": 5}, "rating"),
        ({"rating": 0}, "rating"),
        ({"seconds": -1.0}, "seconds"),
        ({"reviewed_at": datetime(2025, 1, 1)}, "timezone-aware"),
    ],
)
def test_record_review_rejects_bad_input(
    store: Store, kwargs: dict[str, object], message: str
) -> None:
    args: dict[str, object] = {
        "pack_id": "p",
        "question_id": "q",
        "answer": "a",
        "correct": True,
        "rating": 3,
        "seconds": 1.0,
        "mode": "practice",
        "reviewed_at": T0,
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        store.record_review(**args)  # type: ignore[arg-type]
    assert store.reviews() == []


def test_times_are_stored_in_utc(store: Store) -> None:
    paris = timezone(timedelta(hours=1))
    store.record_review(
        "p", "q", "a", True, 3, 1.0, "practice", datetime(2025, 1, 1, 10, tzinfo=paris)
    )
    assert store.reviews()[0].reviewed_at == datetime(2025, 1, 1, 9, tzinfo=UTC)


# -- cards -------------------------------------------------------------------------------


def test_save_and_read_cards(store: Store) -> None:
    assert store.card("p", "q") is None
    store.save_card("p", "q", '{"v": 1}', T0)
    store.save_card("p", "q", '{"v": 2}', T0 + timedelta(days=3))  # replaces
    store.save_card("other", "q", '{"v": 9}', T0)
    card = store.card("p", "q")
    assert card is not None
    assert card.card_json == '{"v": 2}' and card.due == T0 + timedelta(days=3)
    assert card.key == ("p", "q")
    assert set(store.cards()) == {("p", "q"), ("other", "q")}
    assert set(store.cards(pack_id="p")) == {("p", "q")}


# -- flags, mocks, cache -----------------------------------------------------------------


def test_flags(store: Store) -> None:
    store.add_flag("p", "q", "expected answer looks wrong", T0)
    store.add_flag("r", "s", "", T0 + timedelta(minutes=1))
    assert [(f.pack_id, f.question_id, f.note) for f in store.flags()] == [
        ("p", "q", "expected answer looks wrong"),
        ("r", "s", ""),
    ]
    assert [f.question_id for f in store.flags(pack_id="r")] == ["s"]
    assert store.flags()[0].flagged_at == T0


def test_mock_sessions_newest_first(store: Store) -> None:
    older = store.save_mock(T0, T0 + timedelta(minutes=10), '{"n": 1}', 0.5)
    newer = store.save_mock(
        T0 + timedelta(days=1), T0 + timedelta(days=1, minutes=9), '{"n": 2}', 0.75, 30.0
    )
    assert [m.id for m in store.mock_sessions()] == [newer, older]
    latest = store.mock_session(1)
    assert latest is not None
    assert latest.report_json == '{"n": 2}' and latest.score == 0.75
    assert latest.paused_seconds == 30.0
    second = store.mock_session(2)
    assert second is not None and second.id == older and second.paused_seconds == 0.0
    assert second.started_at == T0 and second.finished_at == T0 + timedelta(minutes=10)
    assert store.mock_session(3) is None
    assert store.mock_session(0) is None


def test_probe_cache(store: Store) -> None:
    assert store.cache_get("k") is None
    store.cache_put("k", "[2, 4, 64, 64]", '["diffusers 0.42.1"]')
    assert store.cache_get("k") == ("[2, 4, 64, 64]", '["diffusers 0.42.1"]')
    store.cache_put("k", "1.0", "[]")
    assert store.cache_get("k") == ("1.0", "[]")


def test_stats(store: Store) -> None:
    store.record_review("pa", "q1", "a", True, 3, 1.0, "practice", T0)
    store.record_review("pa", "q2", "b", False, 1, 1.0, "practice", T0)
    store.record_review("pa", "q3", "c", None, 3, 1.0, "practice", T0)  # self-rated
    store.record_review("pa", "q1", "a", True, None, 1.0, "mock", T0)
    store.record_review("pb", "q1", "a", None, 3, 1.0, "practice", T0)
    store.save_card("pa", "q1", "{}", T0 - timedelta(hours=1))
    store.save_card("pa", "q2", "{}", T0)
    store.save_card("pa", "q3", "{}", T0 + timedelta(days=2))
    store.save_card("pc", "q9", "{}", T0 - timedelta(days=1))  # a pack with cards only
    store.save_mock(T0, T0, "{}", 1.0)
    store.add_flag("pa", "q2", "typo", T0)

    typed = store.stats(T0)
    assert typed.packs["pa"] == PackHistory(reviews=4, correct=2, graded=3, cards=3, due=2)
    assert [flag.note for flag in typed.flags] == ["typo"]
    stats = json.loads(json.dumps(typed.to_json()))  # `quizapp stats --json` prints it
    assert stats["reviews"] == 5
    assert stats["mock_sessions"] == 1
    assert stats["packs"]["pa"] == {
        "reviews": 4,
        "correct": 2,
        "graded": 3,
        "retention": pytest.approx(2 / 3),
        "cards": 3,
        "due": 2,
    }
    assert stats["packs"]["pb"]["retention"] is None
    assert stats["packs"]["pc"] == {
        "reviews": 0,
        "correct": 0,
        "graded": 0,
        "retention": None,
        "cards": 1,
        "due": 1,
    }
    assert [(f["pack"], f["question"], f["note"]) for f in stats["flags"]] == [("pa", "q2", "typo")]


# -- durability --------------------------------------------------------------------------


def test_each_write_is_visible_to_another_process_at_once(store: Store, db_file: Path) -> None:
    store.record_review("p", "q", "answer", True, 3, 1.0, "practice", T0)
    store.save_card("p", "q", "{}", T0)
    # The store stays open (no close, no explicit commit): the rows must already be durable.
    script = (
        "import sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1])\n"
        "print(c.execute('SELECT count(*) FROM reviews').fetchone()[0],"
        " c.execute('SELECT count(*) FROM cards').fetchone()[0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(db_file)], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["1", "1"]
    store.close()


def test_two_stores_on_one_file_see_each_other(db_file: Path) -> None:
    with Store.open(db_file) as writer, Store.open(db_file) as reader:
        writer.add_flag("p", "q", "n", T0)
        assert len(reader.flags()) == 1


# -- migrations --------------------------------------------------------------------------


def build_v1(path: Path) -> None:
    """A store exactly as schema version 1 left it, with some history."""
    conn = sqlite3.connect(path)
    for statement in MIGRATIONS[0].statements:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO reviews (pack_id, question_id, answer, correct, rating, seconds, mode,"
        " reviewed_at) VALUES ('p', 'removed-q', 'a', 1, 3, 2.0, 'practice', ?)",
        (to_db_time(T0),),
    )
    conn.execute(
        "INSERT INTO mock_sessions (started_at, finished_at, report_json, score)"
        " VALUES (?, ?, '{}', 0.25)",
        (to_db_time(T0), to_db_time(T0 + timedelta(minutes=5))),
    )
    conn.execute("INSERT INTO probe_cache VALUES ('k', '1', '[]')")
    conn.commit()
    conn.close()


def test_migrates_version_1_keeping_data(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    build_v1(path)
    assert pragma(path, "user_version") == 1
    with Store.open(path) as store:
        assert pragma(path, "user_version") == LATEST_VERSION
        [review] = store.reviews()
        assert (review.question_id, review.correct, review.reviewed_at) == ("removed-q", True, T0)
        mock = store.mock_session(1)
        assert mock is not None and mock.score == 0.25 and mock.paused_seconds == 0.0
        assert store.cache_get("k") == ("1", "[]")
        # The new column is usable after migrating.
        store.save_mock(T0 + timedelta(days=1), T0 + timedelta(days=1), "{}", 1.0, 12.5)
        latest = store.mock_session(1)
        assert latest is not None and latest.paused_seconds == 12.5


def test_migrations_are_numbered_in_order() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST_VERSION + 1))
    assert LATEST_VERSION >= 2


# -- files that are not ours -------------------------------------------------------------


def assert_refused(path: Path, match: str) -> None:
    before = path.read_bytes()
    siblings = sorted(p.name for p in path.parent.iterdir())
    with pytest.raises(StoreError, match=match) as caught:
        Store.open(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == siblings


def test_refuses_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "quizapp.db"
    path.write_bytes(os.urandom(4096))
    assert_refused(path, "not a SQLite database")


def test_refuses_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "quizapp.db"
    path.write_text("reviews:\n  - q1\n")
    assert_refused(path, "not a SQLite database")


def corrupt_store(path: Path) -> None:
    with Store.open(path) as store:
        for i in range(300):
            store.record_review("p", f"q{i}", "x" * 200, True, 3, 1.0, "practice", T0)
    data = bytearray(path.read_bytes())
    page = pragma(path, "page_size")
    assert isinstance(page, int) and len(data) > 4 * page
    # Clobber the pages after the first: the header still says "SQLite format 3".
    data[page : 4 * page] = bytes(range(256)) * (3 * page // 256)
    path.write_bytes(bytes(data))


def test_refuses_a_corrupt_store(tmp_path: Path) -> None:
    path = tmp_path / "quizapp.db"
    corrupt_store(path)
    assert_refused(path, "corrupt")


def test_refuses_a_truncated_store(tmp_path: Path) -> None:
    path = tmp_path / "quizapp.db"
    with Store.open(path) as store:
        for i in range(300):
            store.record_review("p", f"q{i}", "x" * 200, True, 3, 1.0, "practice", T0)
    path.write_bytes(path.read_bytes()[:3000])
    assert_refused(path, "corrupt")


def test_refuses_a_foreign_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "quizapp.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.execute("INSERT INTO invoices (total) VALUES (9.5)")
    assert_refused(path, "another application")


def test_refuses_another_application_id(tmp_path: Path) -> None:
    path = tmp_path / "quizapp.db"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA application_id = 42")
    assert_refused(path, "another application")


def test_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "quizapp.db"
    with Store.open(path):
        pass
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    assert_refused(path, "newer quizapp")


def test_refuses_a_directory(tmp_path: Path) -> None:
    path = tmp_path / "quizapp.db"
    path.mkdir()
    with pytest.raises(StoreError, match="not a file"):
        Store.open(path)


# -- time encoding -----------------------------------------------------------------------

offsets = st.builds(
    timezone, st.timedeltas(min_value=timedelta(hours=-23), max_value=timedelta(hours=23))
)
moments = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1), timezones=offsets
)


@given(moments, moments)
def test_stored_time_text_sorts_like_time(a: datetime, b: datetime) -> None:
    # SQL compares due dates as text (`due <= now`): text order must be time order.
    assert (to_db_time(a) < to_db_time(b)) == (a < b)
    assert from_db_time(to_db_time(a)) == a


def test_store_and_study_import_without_textual_or_torch() -> None:
    script = (
        "import sys\n"
        "import quizapp.store, quizapp.study.scheduling, quizapp.study.planning\n"
        "import quizapp.study.mock_plan, quizapp.study.report, quizapp.study.report_markdown\n"
        "print(sorted(m for m in ('textual', 'torch', 'diffusers') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_set_review_rating_replaces_the_rating(tmp_path: Path) -> None:
    with Store.open(tmp_path / "q.db") as store:
        review_id = store.record_review(
            "p", "q", "a", True, 3, 1.0, "practice", datetime(2026, 1, 1, tzinfo=UTC)
        )
        store.set_review_rating(review_id, 1)
        assert [r.rating for r in store.reviews()] == [1]
        with pytest.raises(ValueError):
            store.set_review_rating(review_id, 0)
        with pytest.raises(ValueError):
            store.set_review_rating(review_id + 100, 2)
