"""`quizapp preview` as a process: torch stays out of the UI, bad paths are one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BROWSE_PACK = Path(__file__).parent / "ui" / "browse" / "browse.yaml"

# Browse every question, try one, reload: then list what the UI process imported.
SCRIPT = """
import asyncio, json, sys
from pathlib import Path
from quizapp import locations
from quizapp.grading.probekey import probe_key
from quizapp.grading.service import GradingService
from quizapp.packs.loader import load_pack
from quizapp.preview_app import PreviewApp
from quizapp.store.db import Store

path = Path(sys.argv[1])
store = Store.open(locations.db_path())
probe = load_pack(path).pack.questions[0].probe
store.cache_put(probe_key(probe, None), json.dumps(0.276332), json.dumps([]))

async def walk():
    app = PreviewApp(path, GradingService(cache=store))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "t", *"1x4x64x64", "enter")
        await app.workers.wait_for_complete()
        await pilot.press("escape", "r", "up", "up")
        await pilot.pause()

asyncio.run(walk())
print(json.dumps(sorted(sys.modules)))
"""


@pytest.mark.slow
def test_preview_never_imports_torch() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(BROWSE_PACK)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded = set(json.loads(out.stdout.splitlines()[-1]))
    assert "quizapp.screens.browse" in loaded
    assert "torch" not in loaded
    assert "diffusers" not in loaded


def test_preview_of_a_missing_file_is_one_line_and_exit_2() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "quizapp", "preview", "/no/such/pack.yaml"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert out.stderr == "quizapp: error: no such pack file: /no/such/pack.yaml\n"
