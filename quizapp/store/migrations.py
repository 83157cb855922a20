"""The store's schema, as an ordered list of migrations keyed by `PRAGMA user_version`.

A database at version N has had migrations 1..N applied. A migration is never edited once
released: a change to the schema is a new migration appended to `MIGRATIONS`, so that every
file in the wild follows the same path to the latest version.

Progress is keyed by (pack id, question id) as plain text, with no foreign key to any pack
table: packs live in YAML files, and the history of a question removed from its pack is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

#: `PRAGMA application_id` of every quizapp store ("QUIZ" in ASCII). A SQLite file with
#: another id (or tables and no id) belongs to someone else and is never touched.
APPLICATION_ID = 0x5155495A


@dataclass(frozen=True)
class Migration:
    """One step of the schema.

    Attributes:
        version: The `user_version` the database has once this migration is applied.
        description: One line, for logs and tests.
        statements: SQL statements run in one transaction, in order.
    """

    version: int
    description: str
    statements: tuple[str, ...]


# Times are TEXT in one fixed ISO 8601 UTC format (see rows.to_db_time), so that comparing
# the strings compares the instants and `due <= ?` works in SQL.
_V1 = Migration(
    version=1,
    description="reviews, FSRS cards, flags, mock sessions, probe cache",
    statements=(
        f"PRAGMA application_id = {APPLICATION_ID}",
        """
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            pack_id TEXT NOT NULL,
            question_id TEXT NOT NULL,
            answer TEXT NOT NULL,
            correct INTEGER CHECK (correct IN (0, 1)),
            rating INTEGER CHECK (rating BETWEEN 1 AND 4),
            seconds REAL NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('practice', 'cram', 'mock')),
            reviewed_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX reviews_by_question ON reviews (pack_id, question_id)",
        """
        CREATE TABLE cards (
            pack_id TEXT NOT NULL,
            question_id TEXT NOT NULL,
            card_json TEXT NOT NULL,
            due TEXT NOT NULL,
            PRIMARY KEY (pack_id, question_id)
        )
        """,
        """
        CREATE TABLE flags (
            id INTEGER PRIMARY KEY,
            pack_id TEXT NOT NULL,
            question_id TEXT NOT NULL,
            note TEXT NOT NULL,
            flagged_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE mock_sessions (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            report_json TEXT NOT NULL,
            score REAL NOT NULL
        )
        """,
        """
        CREATE TABLE probe_cache (
            key TEXT PRIMARY KEY,
            value_json TEXT NOT NULL,
            trace_json TEXT NOT NULL
        )
        """,
    ),
)

# A paused mock interview must not count the pause against the candidate's clock; the
# report needs the paused time to show time used honestly.
_V2 = Migration(
    version=2,
    description="mock_sessions.paused_seconds",
    statements=("ALTER TABLE mock_sessions ADD COLUMN paused_seconds REAL NOT NULL DEFAULT 0",),
)

# Home marks a pack "updated" when its `version` went up since the learner last saw it.
_V3 = Migration(
    version=3,
    description="pack_versions: each pack's version as the learner last saw it",
    statements=("CREATE TABLE pack_versions (pack_id TEXT PRIMARY KEY, version INTEGER NOT NULL)",),
)

# A family question draws new settings each review: the review keeps which variant was
# asked (JSON of the settings; NULL for a question without `vary`), so the next draw can
# avoid repeating it and a session can be replayed.
_V4 = Migration(
    version=4,
    description="reviews.variant_json",
    statements=("ALTER TABLE reviews ADD COLUMN variant_json TEXT",),
)

# Settings (desired retention, fitted FSRS parameters, an interview date) travel with the
# progress they tune; suspended questions (leeches set aside) are never drawn. The indexes
# keep the dashboard's aggregates off full scans on years of history: reviews by time, the
# per-question history in time order (supersedes reviews_by_question), failures only (leech
# counts), and cards by due date (forecast).
_V5 = Migration(
    version=5,
    description="settings, suspended questions, indexes for the dashboard's aggregates",
    statements=(
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """
        CREATE TABLE suspended (
            pack_id TEXT NOT NULL,
            question_id TEXT NOT NULL,
            suspended_at TEXT NOT NULL,
            PRIMARY KEY (pack_id, question_id)
        )
        """,
        "CREATE INDEX reviews_by_time ON reviews (reviewed_at)",
        "CREATE INDEX reviews_by_question_time ON reviews (pack_id, question_id, reviewed_at)",
        "DROP INDEX reviews_by_question",
        "CREATE INDEX reviews_failed ON reviews (pack_id, question_id, reviewed_at)"
        " WHERE correct = 0 OR (correct IS NULL AND rating = 1)",
        "CREATE INDEX cards_by_due ON cards (due)",
    ),
)

MIGRATIONS: tuple[Migration, ...] = (_V1, _V2, _V3, _V4, _V5)

#: The schema version this code reads and writes.
LATEST_VERSION = MIGRATIONS[-1].version

#: Tables a quizapp store has at the latest version.
TABLES: frozenset[str] = frozenset(
    {
        "reviews",
        "cards",
        "flags",
        "mock_sessions",
        "probe_cache",
        "pack_versions",
        "settings",
        "suspended",
    }
)


def pending(current: int) -> tuple[Migration, ...]:
    """The migrations that take a database from version `current` to `LATEST_VERSION`.

    Args:
        current: The database's `PRAGMA user_version`.

    Returns:
        The migrations still to apply, in order (empty when up to date).
    """
    return tuple(m for m in MIGRATIONS if m.version > current)


def _check_order() -> None:
    # A gap or reordering would silently skip a step on some users' files.
    versions = [m.version for m in MIGRATIONS]
    if versions != list(range(1, len(MIGRATIONS) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..N in order, got {versions}")


_check_order()
