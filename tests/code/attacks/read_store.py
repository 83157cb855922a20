"""Reads the store and another profile's store under QUIZAPP_HOME, and lists the folder."""

import os
from pathlib import Path

home = Path(os.environ["QUIZAPP_HOME"])
for read in (
    lambda: (home / "progress.sqlite3").read_text(),
    lambda: (home / "profiles" / "ada" / "progress.sqlite3").read_text(),
    lambda: " ".join(os.listdir(home)),
):
    try:
        print("read", read())
    except OSError as error:
        print("refused", type(error).__name__)
