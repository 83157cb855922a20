"""Settings rows: text values by key, kept in the store beside the progress they tune.

What the keys mean, their defaults and how values are parsed is `study.settings`'s job;
this module only reads and writes the `settings` table (schema version 3).
"""

from __future__ import annotations

from quizapp.store.db import Store


def read_settings(store: Store) -> dict[str, str]:
    """Every stored setting, by key (keys never set are absent)."""
    return {row["key"]: row["value"] for row in store.fetch("SELECT key, value FROM settings")}


def write_setting(store: Store, key: str, value: str) -> None:
    """Store `value` under `key`, replacing any older value; committed before returning."""
    store.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def delete_setting(store: Store, key: str) -> bool:
    """Forget `key` (its default applies again); True when it was set."""
    return store.execute("DELETE FROM settings WHERE key = ?", (key,)) > 0
