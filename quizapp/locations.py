"""Every path quizapp reads or writes, computed on call (never at import time).

`QUIZAPP_HOME` moves all user data, so tests never touch the real home.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "quizapp"


def data_dir() -> Path:
    """The user's data folder: `$QUIZAPP_HOME`, or the platform's user data dir."""
    home = os.environ.get("QUIZAPP_HOME")
    path = Path(home).expanduser() if home else Path(platformdirs.user_data_dir(APP_NAME))
    return path


def db_path() -> Path:
    """The SQLite progress store."""
    return data_dir() / "quizapp.db"


def user_packs_dir() -> Path:
    """Packs the user installed; loaded after the bundled ones."""
    return data_dir() / "packs"


def installed_manifest() -> Path:
    """What `quizapp install` put into `user_packs_dir()`: source and version of each pack."""
    return data_dir() / "installed-packs.json"


def profile_dir(name: str) -> Path:
    """A learner's own data folder under this one (`quizapp serve --profile NAME`)."""
    return data_dir() / "profiles" / name


def content_dir() -> Path:
    """Bundled packs, schema and models: inside the wheel, or the checkout's `content/`."""
    here = Path(__file__).resolve().parent
    installed = here / "_content"
    if installed.is_dir():
        return installed
    return here.parent / "content"


def models_dir() -> Path:
    """Bundled diffusers model folders, one per model id."""
    return content_dir() / "models"


def schema_path() -> Path:
    """The pack JSON Schema that editors read."""
    return content_dir() / "pack.schema.json"


def reports_dir() -> Path:
    """Where mock-interview reports are exported as Markdown."""
    return data_dir() / "reports"


def logs_dir() -> Path:
    """Where a crash writes its full traceback (the terminal gets one line)."""
    return data_dir() / "logs"
