"""What each family of the store's queries builds on: one locked read, one committed write.

`Store` (`store/db.py`) is the one way to query the progress store: every query is one of
its methods. So that no file grows past one job, the methods come in families, one module
each (`aggregates.py`, `suspension.py`, `settings.py`), as classes that `Store` inherits;
they reach SQLite only through the two methods below, which `Store` implements.
"""

from __future__ import annotations

import sqlite3
from typing import Any


class Queries:
    """The base of a family of store queries."""

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """The rows of one read query."""
        raise NotImplementedError

    def _change(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        """Run one write statement, committed before returning; the number of rows changed."""
        raise NotImplementedError
