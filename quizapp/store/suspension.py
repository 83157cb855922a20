"""Suspended questions: set aside by the learner (typically leeches), never drawn again
until unsuspended. Their history and cards are kept; only planning skips them.
"""

from __future__ import annotations

from datetime import datetime

from quizapp.store.db import Store
from quizapp.store.rows import to_db_time


def suspend(store: Store, pack_id: str, question_id: str, at: datetime) -> None:
    """Suspend one question (suspending it again keeps the first time)."""
    store.execute(
        "INSERT OR IGNORE INTO suspended (pack_id, question_id, suspended_at) VALUES (?, ?, ?)",
        (pack_id, question_id, to_db_time(at)),
    )


def unsuspend(store: Store, pack_id: str, question_id: str) -> bool:
    """Let a question be drawn again; True when it was suspended."""
    changed = store.execute(
        "DELETE FROM suspended WHERE pack_id = ? AND question_id = ?", (pack_id, question_id)
    )
    return changed > 0


def suspended_keys(store: Store) -> set[tuple[str, str]]:
    """(pack id, question id) of every suspended question."""
    rows = store.fetch("SELECT pack_id, question_id FROM suspended")
    return {(row["pack_id"], row["question_id"]) for row in rows}
