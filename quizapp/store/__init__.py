"""The SQLite progress store and its migrations."""

from quizapp.store.db import Store, StoreError
from quizapp.store.rows import CardRow, FlagRow, MockRow, ReviewRow

__all__ = ["CardRow", "FlagRow", "MockRow", "ReviewRow", "Store", "StoreError"]
