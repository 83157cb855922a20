"""Suspended questions: set aside by the learner (typically leeches), never drawn again
until unsuspended. Their history and cards are kept; only planning and counts skip them.

`Store.unsuspended` is the one place that rule is applied: sessions, plans, the home
screen's and the stats' counts all hide suspended questions through it (only the due
forecast, `Store.due_cards_per_day`, applies it inside its SQL aggregate).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from quizapp.store.queries import Queries
from quizapp.store.rows import to_db_time

Key = tuple[str, str]


class SuspensionQueries(Queries):
    """The store's suspended questions (methods of `Store`)."""

    def suspend(self, pack_id: str, question_id: str, at: datetime) -> None:
        """Suspend one question (suspending it again keeps the first time)."""
        self._change(
            "INSERT OR IGNORE INTO suspended (pack_id, question_id, suspended_at) VALUES (?, ?, ?)",
            (pack_id, question_id, to_db_time(at)),
        )

    def unsuspend(self, pack_id: str, question_id: str) -> bool:
        """Let a question be drawn again; True when it was suspended."""
        changed = self._change(
            "DELETE FROM suspended WHERE pack_id = ? AND question_id = ?", (pack_id, question_id)
        )
        return changed > 0

    def suspended_keys(self) -> set[Key]:
        """(pack id, question id) of every suspended question."""
        rows = self._read("SELECT pack_id, question_id FROM suspended")
        return {(row["pack_id"], row["question_id"]) for row in rows}

    def unsuspended(self, keys: Iterable[Key]) -> list[Key]:
        """`keys` without the suspended questions', in their order: what may be drawn,
        planned and counted as due or new."""
        suspended = self.suspended_keys()
        return [key for key in keys if key not in suspended]
