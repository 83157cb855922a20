"""Settings rows: text values by key, kept in the store beside the progress they tune.

What the keys mean, their defaults and how values are parsed is `study.settings`'s job;
these methods of `Store` only read and write the `settings` table (schema version 3).
"""

from __future__ import annotations

from quizapp.store.queries import Queries


class SettingsQueries(Queries):
    """The store's settings table (methods of `Store`)."""

    def read_settings(self) -> dict[str, str]:
        """Every stored setting, by key (keys never set are absent)."""
        return {row["key"]: row["value"] for row in self._read("SELECT key, value FROM settings")}

    def write_setting(self, key: str, value: str) -> None:
        """Store `value` under `key`, replacing any older value; committed before returning."""
        self._change(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def delete_setting(self, key: str) -> bool:
        """Forget `key` (its default applies again); True when it was set."""
        return self._change("DELETE FROM settings WHERE key = ?", (key,)) > 0
