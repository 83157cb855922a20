"""The SQLite progress store and its migrations."""
