"""The SQLite progress store and its migrations."""

from quizapp.store.db import Store, StoreError
from quizapp.store.rows import CardRow, FlagRow, MockRow, Rating, ReviewRow

__all__ = ["CardRow", "FlagRow", "MockRow", "Rating", "ReviewRow", "Store", "StoreError"]
