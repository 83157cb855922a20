"""`Store`: the SQLite progress store (docs/architecture.md, "Storage").

One service with explicit SQL, and the one way to query the store: every query is a method
of `Store`. The dashboard's aggregates, the suspended questions and the settings are
families of methods in modules of their own (`store/queries.py` says how), which `Store`
inherits. The connection is in autocommit mode, so every write is
durable the moment its method returns: a crash after an answer is graded never loses it.
WAL mode lets the CLI (`quizapp stats`) read while the TUI writes.

Opening is careful with files that are not ours. Before anything writes, a read-only
connection checks that the file is an empty/new database or a quizapp store at a schema
version this code knows; anything else (random bytes, a corrupt store, another
application's SQLite file, a store from a newer quizapp) raises `StoreError` and the file's
bytes are left exactly as they were.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from quizapp.oneline import error_line, one_line
from quizapp.store.aggregates import AggregateQueries
from quizapp.store.migrations import APPLICATION_ID, LATEST_VERSION, pending
from quizapp.store.opening import (
    BUSY_TIMEOUT_SECONDS,
    ReadOnlyStore,
    check_writable,
    failure,
    opening_lock,
    retry_locked,
)
from quizapp.store.rows import (
    MODES,
    CardRow,
    FlagRow,
    MockRow,
    PackHistory,
    Rating,
    ReviewRow,
    StoreStats,
    to_db_time,
)
from quizapp.store.settings import SettingsQueries
from quizapp.store.suspension import SuspensionQueries

_SQLITE_HEADER = b"SQLite format 3\x00"
# `PRAGMA quick_check` reads every page: seconds on years of history. A store closed
# cleanly by quizapp leaves a fingerprint beside it (size, mtime and its first and last
# bytes); while the file still matches it, nobody has touched it since and the check is
# skipped. Any other writer (a copy, a truncation, bytes overwritten) changes it.
_CHECKED_SUFFIX = "-checked"
_FINGERPRINT_BYTES = 64 * 1024
# Another process (the CLI while the TUI runs) may hold the write lock for a moment.
_BUSY_TIMEOUT_MS = 5000


class StoreError(Exception):
    """The store cannot be opened or used; the message is one line meant for the user."""


class StoreIOError(StoreError):
    """A statement failed on a store that opened fine: a full disk, an I/O error, a lock.

    Raised instead of `sqlite3.OperationalError` so that callers can keep what they meant
    to write and try again (`study.recording.Recorder`); the message says which it was.
    """


def _fingerprint(path: Path) -> str | None:
    """Size, mtime and a hash of the first and last bytes of `path`; None if unreadable."""
    try:
        stat = path.stat()
        with path.open("rb") as handle:
            digest = hashlib.sha256(handle.read(_FINGERPRINT_BYTES))
            handle.seek(max(0, stat.st_size - _FINGERPRINT_BYTES))
            digest.update(handle.read(_FINGERPRINT_BYTES))
    except OSError:
        return None
    return f"{stat.st_size}:{stat.st_mtime_ns}:{digest.hexdigest()}"


def _checked_since(path: Path) -> bool:
    """True when `path` is as quizapp left it at its last clean close (no WAL pending)."""
    if path.with_name(path.name + "-wal").exists():
        return False
    try:
        recorded = path.with_name(path.name + _CHECKED_SUFFIX).read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return False
    return recorded == _fingerprint(path)


def _remember_checked(path: Path) -> None:
    """After a clean close (the WAL checkpointed away), record the file's fingerprint."""
    if path.with_name(path.name + "-wal").exists():
        return  # another connection still has it open; it records on its own close
    fingerprint = _fingerprint(path)
    if fingerprint is None:
        return
    try:
        path.with_name(path.name + _CHECKED_SUFFIX).write_text(fingerprint, "ascii")
    except OSError:
        return  # only costs the next open its quick_check


@dataclass(frozen=True)
class _Existing:
    """What a read-only look at the file found."""

    version: int


def _inspect(path: Path) -> _Existing:
    """Check, without writing, that `path` is new, empty, or a store we can migrate.

    Raises:
        StoreError: For anything that is not ours or is newer than this code.
    """
    if not path.exists():
        return _Existing(version=0)
    if not path.is_file():
        raise StoreError(f"{path} is not a file; quizapp needs a database file there")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error_line(error)}") from error
    if not header:
        # SQLite itself treats a zero-byte file as a new database: there is nothing to lose.
        return _Existing(version=0)
    if header != _SQLITE_HEADER:
        raise StoreError(
            f"{path} is not a SQLite database; move it aside (or set QUIZAPP_HOME) to start fresh"
        )
    # With no -wal file, no connection has the database open: read it as immutable so that
    # SQLite creates no -wal/-shm files beside a file we may end up refusing. With one,
    # a plain read-only connection sees the committed pages still in the WAL.
    wal = path.with_name(path.name + "-wal")
    uri = path.resolve().as_uri() + ("?mode=ro" if wal.exists() else "?mode=ro&immutable=1")
    try:
        probe = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as error:
        raise StoreError(failure(path, error, "open")) from error
    try:
        application_id = probe.execute("PRAGMA application_id").fetchone()[0]
        version = probe.execute("PRAGMA user_version").fetchone()[0]
        tables = probe.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        is_ours = application_id == APPLICATION_ID
        is_blank = application_id == 0 and version == 0 and tables == 0
        if not (is_ours or is_blank):
            raise StoreError(
                f"{path} is a SQLite database of another application; quizapp will not touch it"
            )
        if version < 0 or (is_ours and version == 0 and tables > 0):
            raise StoreError(
                f"{path} has schema version {version}, which no quizapp writes; quizapp will "
                "not touch it (move it aside, or set QUIZAPP_HOME, to start fresh)"
            )
        if version > LATEST_VERSION:
            raise StoreError(
                f"{path} was written by a newer quizapp (schema version {version}; this one "
                f"knows up to {LATEST_VERSION}); upgrade quizapp to use it"
            )
        # A damaged page often reads fine until the row on it is needed; find out now,
        # unless the file is byte-for-byte as quizapp left it.
        check = (
            "ok" if _checked_since(path) else probe.execute("PRAGMA quick_check(1)").fetchone()[0]
        )
        if check != "ok":
            detail = one_line(check)
            raise StoreError(f"{path} is corrupt ({detail}); move it aside to start fresh")
    except sqlite3.DatabaseError as error:
        raise StoreError(failure(path, error, "read")) from error
    finally:
        probe.close()
    return _Existing(version=version)


class Store(AggregateQueries, SuspensionQueries, SettingsQueries):
    """The progress store. Open with `Store.open(path)`; use as a context manager.

    One Store may be shared by the UI thread and thread workers: calls are serialized
    by a lock, and each write commits before the call returns.
    """

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        """Wrap an open, migrated connection; use `Store.open` instead."""
        self.path = path
        self._connection: sqlite3.Connection | None = connection
        self._lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open (creating and migrating as needed) the store at `path`.

        Args:
            path: The database file; missing parent folders are created.

        Returns:
            An open store at schema version `LATEST_VERSION`.

        Raises:
            StoreError: If the file is corrupt, not SQLite, another application's database,
                or from a newer schema version; the file is then left untouched.
        """
        with opening_lock(path):
            return cls._open_locked(path)

    @classmethod
    def _open_locked(cls, path: Path) -> Store:
        existing = _inspect(path)
        try:
            check_writable(path)
        except ReadOnlyStore as error:
            raise StoreError(str(error)) from None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # The busy timeout is a connect argument so it holds from the first statement.
            connection = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_SECONDS
            )
        except (OSError, sqlite3.Error) as error:
            raise StoreError(failure(path, error, "open")) from error
        connection.row_factory = sqlite3.Row
        try:
            # Another process may be creating the same store right now: retry while locked.
            retry_locked(lambda: _prepare(connection, path, existing.version))
        except sqlite3.Error as error:
            connection.close()
            raise StoreError(failure(path, error, "prepare")) from error
        except StoreError:
            connection.close()
            raise
        return cls(path, connection)

    def close(self) -> None:
        """Close the connection; further calls raise `StoreError`. Safe to call twice."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
                _remember_checked(self.path)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._connection is None:
                raise StoreError(f"the progress store {self.path} is closed")
            try:
                yield self._connection
            except sqlite3.OperationalError as error:
                raise StoreIOError(failure(self.path, error, "use")) from error

    def _write(self, sql: str, params: tuple[Any, ...]) -> int:
        with self._db() as db:
            cursor = db.execute(sql, params)
            return cursor.lastrowid or 0

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._db() as db:
            return db.execute(sql, params).fetchall()

    def _change(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        with self._db() as db:
            return db.execute(sql, params).rowcount

    # -- reviews ---------------------------------------------------------------------

    def record_review(
        self,
        pack_id: str,
        question_id: str,
        answer: str,
        correct: bool | None,
        rating: Rating | None,
        seconds: float,
        mode: str,
        reviewed_at: datetime,
        variant: Mapping[str, object] | None = None,
    ) -> int:
        """Record one answer; committed before returning.

        Args:
            pack_id: The pack's id.
            question_id: The question's id inside the pack.
            answer: What the learner typed or picked, as text.
            correct: The grade, or None (self-rated, or could not be graded).
            rating: The FSRS rating applied to the card, or None.
            seconds: Time spent answering.
            mode: `practice`, `cram` or `mock`.
            reviewed_at: Timezone-aware time of the answer.
            variant: A family question's drawn settings; None for any other question.

        Returns:
            The review's row id.

        Raises:
            ValueError: For an unknown mode, a rating outside 1..4, or negative seconds.
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {sorted(MODES)}, got {mode!r}")
        rating = None if rating is None else Rating.of(rating)
        if seconds < 0:
            raise ValueError(f"seconds must be >= 0, got {seconds}")
        return self._write(
            "INSERT INTO reviews (pack_id, question_id, answer, correct, rating, seconds,"
            " mode, reviewed_at, variant_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                pack_id,
                question_id,
                answer,
                None if correct is None else int(correct),
                rating,
                float(seconds),
                mode,
                to_db_time(reviewed_at),
                None if variant is None else json.dumps(dict(variant)),
            ),
        )

    def variant_history(self, pack_id: str, question_id: str) -> tuple[int, dict[str, Any] | None]:
        """(How many reviews the question has, the variant of the latest), for the draw."""
        rows = self._read(
            "SELECT count(*) AS n, (SELECT variant_json FROM reviews WHERE pack_id = ?1"
            " AND question_id = ?2 ORDER BY reviewed_at DESC, id DESC LIMIT 1) AS last"
            " FROM reviews WHERE pack_id = ?1 AND question_id = ?2",
            (pack_id, question_id),
        )
        last = rows[0]["last"]
        return int(rows[0]["n"]), (json.loads(last) if last is not None else None)

    def set_review_rating(self, review_id: int, rating: Rating) -> None:
        """Replace the rating of a stored review (the learner overrode the suggestion).

        Raises:
            ValueError: For a rating outside 1..4 or an unknown review id.
        """
        rating = Rating.of(rating)
        with self._db() as db:
            cursor = db.execute("UPDATE reviews SET rating = ? WHERE id = ?", (rating, review_id))
        if cursor.rowcount != 1:
            raise ValueError(f"no review with id {review_id}")

    def reviews(
        self, pack_id: str | None = None, question_id: str | None = None
    ) -> list[ReviewRow]:
        """Reviews, oldest first, optionally of one pack and/or one question id."""
        rows = self._read(
            "SELECT * FROM reviews WHERE (?1 IS NULL OR pack_id = ?1)"
            " AND (?2 IS NULL OR question_id = ?2) ORDER BY reviewed_at, id",
            (pack_id, question_id),
        )
        return [ReviewRow.from_row(row) for row in rows]

    # -- FSRS cards ------------------------------------------------------------------

    def card(self, pack_id: str, question_id: str) -> CardRow | None:
        """The FSRS state of one question, or None if it was never scheduled."""
        rows = self._read(
            "SELECT * FROM cards WHERE pack_id = ? AND question_id = ?", (pack_id, question_id)
        )
        return CardRow.from_row(rows[0]) if rows else None

    def save_card(self, pack_id: str, question_id: str, card_json: str, due: datetime) -> None:
        """Insert or replace the FSRS state of one question; committed before returning."""
        self._write(
            "INSERT INTO cards (pack_id, question_id, card_json, due) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (pack_id, question_id)"
            " DO UPDATE SET card_json = excluded.card_json, due = excluded.due",
            (pack_id, question_id, card_json, to_db_time(due)),
        )

    def cards(self, pack_id: str | None = None) -> dict[tuple[str, str], CardRow]:
        """Every scheduled question, keyed by (pack id, question id)."""
        rows = self._read(
            "SELECT * FROM cards WHERE (?1 IS NULL OR pack_id = ?1) ORDER BY pack_id, question_id",
            (pack_id,),
        )
        cards = (CardRow.from_row(row) for row in rows)
        return {card.key: card for card in cards}

    # -- flags -----------------------------------------------------------------------

    def add_flag(self, pack_id: str, question_id: str, note: str, flagged_at: datetime) -> int:
        """Flag a question for its author; returns the flag's row id."""
        return self._write(
            "INSERT INTO flags (pack_id, question_id, note, flagged_at) VALUES (?, ?, ?, ?)",
            (pack_id, question_id, note, to_db_time(flagged_at)),
        )

    def flags(self, pack_id: str | None = None) -> list[FlagRow]:
        """Flags, oldest first, optionally of one pack."""
        rows = self._read(
            "SELECT * FROM flags WHERE (?1 IS NULL OR pack_id = ?1) ORDER BY flagged_at, id",
            (pack_id,),
        )
        return [FlagRow.from_row(row) for row in rows]

    # -- mock interviews -------------------------------------------------------------

    def save_mock(
        self,
        started_at: datetime,
        finished_at: datetime,
        report_json: str,
        score: float,
        paused_seconds: float = 0.0,
    ) -> int:
        """Store a finished mock interview; returns its row id.

        Args:
            started_at: When the clock started.
            finished_at: When the last answer was given or the clock ran out.
            report_json: `study.report.to_json(report)`.
            score: 0..1.
            paused_seconds: Time the clock was paused.
        """
        return self._write(
            "INSERT INTO mock_sessions (started_at, finished_at, report_json, score,"
            " paused_seconds) VALUES (?, ?, ?, ?, ?)",
            (
                to_db_time(started_at),
                to_db_time(finished_at),
                report_json,
                float(score),
                float(paused_seconds),
            ),
        )

    def mock_sessions(self) -> list[MockRow]:
        """Every mock interview, newest first."""
        rows = self._read("SELECT * FROM mock_sessions ORDER BY started_at DESC, id DESC")
        return [MockRow.from_row(row) for row in rows]

    def mock_session(self, n: int = 1) -> MockRow | None:
        """The n-th latest mock interview (n=1: the latest), or None if there is none."""
        if n < 1:
            return None
        rows = self._read(
            "SELECT * FROM mock_sessions ORDER BY started_at DESC, id DESC LIMIT 1 OFFSET ?",
            (n - 1,),
        )
        return MockRow.from_row(rows[0]) if rows else None

    # -- probe cache -----------------------------------------------------------------

    def cache_get(self, key: str) -> tuple[str, str] | None:
        """The cached (value_json, trace_json) of an executed probe, or None."""
        rows = self._read("SELECT value_json, trace_json FROM probe_cache WHERE key = ?", (key,))
        return (rows[0]["value_json"], rows[0]["trace_json"]) if rows else None

    def cache_put(self, key: str, value_json: str, trace_json: str) -> None:
        """Cache an executed probe's result under `key` (replacing any older entry).

        Best effort: a cache that cannot be written (the disk is full, the file became
        read-only, another process holds the lock too long) costs a recomputation later,
        never the grade being made now.
        """
        try:
            self._write(
                "INSERT OR REPLACE INTO probe_cache (key, value_json, trace_json) VALUES (?, ?, ?)",
                (key, value_json, trace_json),
            )
        except (sqlite3.Error, StoreError):
            return

    # -- pack versions ---------------------------------------------------------------

    def seen_versions(self) -> dict[str, int]:
        """Each pack's version as last recorded by `mark_versions_seen`."""
        rows = self._read("SELECT pack_id, version FROM pack_versions")
        return {row["pack_id"]: row["version"] for row in rows}

    def mark_versions_seen(self, versions: dict[str, int]) -> None:
        """Record these packs' versions as seen (other packs' rows are kept)."""
        with self._db() as db:
            db.executemany(
                "INSERT OR REPLACE INTO pack_versions (pack_id, version) VALUES (?, ?)",
                list(versions.items()),
            )

    # -- statistics ------------------------------------------------------------------

    def stats(self, now: datetime) -> StoreStats:
        """Totals for `quizapp stats` and the stats screen.

        Counts every mode (practice, cram, mock). Packs are those with history in the store,
        including packs no longer installed: their history is kept.

        Args:
            now: Cards due at or before `now` count as due.
        """
        at = to_db_time(now)
        with self._db() as db:
            reviews = db.execute(
                "SELECT pack_id, count(*) AS n, coalesce(sum(correct = 1), 0) AS correct,"
                " count(correct) AS graded FROM reviews GROUP BY pack_id"
            ).fetchall()
            cards = db.execute(
                "SELECT pack_id, count(*) AS n, coalesce(sum(due <= ?), 0) AS due"
                " FROM cards GROUP BY pack_id",
                (at,),
            ).fetchall()
            mocks = db.execute("SELECT count(*) FROM mock_sessions").fetchone()[0]
            flag_rows = db.execute("SELECT * FROM flags ORDER BY flagged_at, id").fetchall()
        answered = {row["pack_id"]: row for row in reviews}
        scheduled = {row["pack_id"]: row for row in cards}
        packs = {}
        for pack_id in sorted(answered.keys() | scheduled.keys()):
            answers, card_counts = answered.get(pack_id), scheduled.get(pack_id)
            packs[pack_id] = PackHistory(
                reviews=answers["n"] if answers else 0,
                correct=answers["correct"] if answers else 0,
                graded=answers["graded"] if answers else 0,
                cards=card_counts["n"] if card_counts else 0,
                due=card_counts["due"] if card_counts else 0,
            )
        return StoreStats(
            reviews=sum(row["n"] for row in reviews),
            mock_sessions=mocks,
            packs=packs,
            flags=tuple(FlagRow.from_row(row) for row in flag_rows),
        )


def _prepare(connection: sqlite3.Connection, path: Path, seen_version: int) -> None:
    """The first-open steps; each may be run again after a "database is locked"."""
    connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
    mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise StoreError(f"cannot put {path} in WAL mode (got {mode})")
    connection.execute("PRAGMA foreign_keys = ON")
    _migrate(connection, seen_version)


def _migrate(connection: sqlite3.Connection, seen_version: int) -> None:
    """Apply pending migrations, each in its own immediate transaction.

    The version is re-read under the write lock because another process may have migrated
    the file since `_inspect` looked at it.
    """
    for migration in pending(seen_version):
        connection.execute("BEGIN IMMEDIATE")
        try:
            current = connection.execute("PRAGMA user_version").fetchone()[0]
            if current < migration.version:
                for statement in migration.statements:
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {migration.version}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
