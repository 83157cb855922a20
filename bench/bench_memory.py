"""Peak RSS of the UI process on the home screen (packs loaded) vs a bare Textual app.

Budget: 1.5x the bare app's RSS + 30 MiB. Prints, does not assert.

    .venv/bin/python bench/bench_memory.py [ROUNDS]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = Path(__file__).parent / "tui_child.py"
MIB = 1024


def measure(which: str, env: dict[str, str]) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, str(CHILD), which], env=env, check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    home_rss: list[float] = []
    bare_rss: list[float] = []
    torch_seen = False
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "QUIZAPP_HOME": home}
        for _ in range(rounds):
            bare = measure("bare", env)
            ours = measure("home-loaded", env)
            bare_rss.append(float(bare["rss_kib"]) / MIB)  # type: ignore[arg-type]
            home_rss.append(float(ours["rss_kib"]) / MIB)  # type: ignore[arg-type]
            torch_seen = torch_seen or bool(ours["torch"]) or bool(ours["diffusers"])
    ours_mib, base_mib = statistics.median(home_rss), statistics.median(bare_rss)
    limit = 1.5 * base_mib + 30
    verdict = "within budget" if ours_mib <= limit else "OVER BUDGET"
    print(
        f"peak RSS on the home screen: ours {ours_mib:.1f} MiB, bare app {base_mib:.1f} MiB, "
        f"ratio {ours_mib / base_mib:.2f}x, budget 1.5x + 30 MiB = {limit:.1f} MiB - {verdict}"
    )
    print(f"torch imported in the UI process: {'YES (budget broken)' if torch_seen else 'no'}")


if __name__ == "__main__":
    main()
