"""Writes outside its folder: /tmp, the store's folder, the home folder."""

import os
from pathlib import Path

TARGETS = [
    Path("/tmp/quizapp-attack-outside.txt"),
    Path(os.environ["QUIZAPP_HOME"]) / "planted.txt",
    Path(os.environ.get("HOME", "/root")) / "quizapp-attack-planted.txt",
]
for target in TARGETS:
    try:
        target.write_text("planted")
        print("wrote", target)
    except OSError as error:
        print("refused", type(error).__name__)
Path("inside.txt").write_text("fine")
print("inside ok")
