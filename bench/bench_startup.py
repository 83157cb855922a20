"""Start to first frame of the home screen vs a bare Textual app (Header/Static/Footer).

The home screen's first frame is interactive while the packs load in a thread worker just
after it; the time until the pack counts are painted is printed too.

Each run is a fresh interpreter (imports included, as a user sees it), timed from the
outside, alternated with the baseline in one run. Budget: 1.3x. Prints, does not assert.

    .venv/bin/python bench/bench_startup.py [ROUNDS]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import alternate, report

CHILD = Path(__file__).parent / "tui_child.py"


def run(which: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, str(CHILD), which], env=env, check=True, capture_output=True)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "QUIZAPP_HOME": home}
        run("home", env)  # creates the store and warms the OS file cache for both
        run("bare", env)
        ours, base = alternate(lambda: run("home", env), lambda: run("bare", env), rounds)
        loaded, base2 = alternate(lambda: run("home-loaded", env), lambda: run("bare", env), rounds)
    report("start to first frame (home vs bare Textual app)", ours, base, budget=1.3)
    # Not the budgeted number; printed so that a slow pack load cannot hide behind it.
    report("start to pack counts painted (home vs bare)", loaded, base2, budget=1.3)


if __name__ == "__main__":
    main()
