"""`quizapp optimize` on a long history: 1,000,000 reviews (20,000 cards x 50 reviews, days
apart), against the Rust FSRS binding alone fitting the same reviews, in the same run.

Budgets (issue 22): the whole `quizapp optimize --json` process <= 30 s; against the bare
binding (a script that reads the same store with sqlite3, builds the same training items
and calls `FSRS.compute_parameters`) at most 1.5x, for what quizapp adds: the learner's
days, the log loss before and after, progress, the store. Wall and CPU seconds (the
children's user + system time: steadier when other work shares the machine) are both
printed. The store is generated once into a temp dir. Prints, does not assert.

    .venv/bin/python bench/bench_optimize.py [ROUNDS]
"""

from __future__ import annotations

import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import alternate, report

from quizapp.store.db import Store
from quizapp.store.rows import to_db_time

CARDS = 20_000
REVIEWS_EACH = 50
BUDGET_SECONDS = 30.0

#: The bare binding: the same reviews, items built as Anki builds them, one fit.
BARE = """
import sqlite3, sys
from datetime import datetime
import fsrs_rs_python as f
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT pack_id, question_id, rating, reviewed_at FROM reviews"
    " WHERE mode = 'practice' AND rating IS NOT NULL ORDER BY pack_id, question_id, reviewed_at"
).fetchall()
items, key, steps, last = [], None, [], None
for pack, question, rating, at in rows:
    day = datetime.fromisoformat(at).toordinal()  # UTC midnight days: cheaper than ours
    if (pack, question) != key:
        key, steps, last = (pack, question), [], day
    delta = day - last
    last = day
    steps.append(f.FSRSReview(rating, delta))
    if delta > 0:
        items.append(f.FSRSItem(steps[:]))
f.FSRS(list(f.DEFAULT_PARAMETERS)).compute_parameters(items)
"""


def fill_store(path: Path) -> None:
    """20,000 cards, 50 reviews each, 1 to 20 days apart; recall falls with the gap."""
    Store.open(path).close()
    rng = random.Random(0)
    start = datetime(2020, 1, 1, 9, 0, tzinfo=UTC)

    def rows():  # type: ignore[no-untyped-def]
        for card in range(CARDS):
            at = start + timedelta(minutes=rng.randrange(24 * 60))
            gap = 1
            for _ in range(REVIEWS_EACH):
                recalled = rng.random() < 0.9 ** (gap / 4)
                yield (
                    "bench",
                    f"q{card}",
                    "x",
                    int(recalled),
                    3 if recalled else 1,
                    5.0,
                    "practice",
                    to_db_time(at),
                )
                gap = min(20, gap * 2) if recalled else 1
                at += timedelta(days=gap, minutes=rng.randrange(-120, 120))

    db = sqlite3.connect(path)
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO reviews (pack_id, question_id, answer, correct, rating, seconds, mode,"
        " reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows(),
    )
    db.execute("COMMIT")
    db.close()


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "QUIZAPP_HOME": home}
        db = Path(home) / "quizapp.db"
        fill_store(db)
        ours = [sys.executable, "-m", "quizapp", "optimize", "--json"]
        bare = [sys.executable, "-c", BARE, str(db)]

        cpu = {"ours": 0.0, "bare": 0.0}

        def children_cpu() -> float:
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            return usage.ru_utime + usage.ru_stime

        def run(command: list[str], who: str = "") -> None:
            before = children_cpu()
            done = subprocess.run(command, env=env, capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"{command[2:4]} failed: {done.stderr.strip()[-500:]}")
            if who:
                cpu[who] += children_cpu() - before

        def optimize() -> None:
            # A fresh history each round: a kept fit would change the next round's input.
            subprocess.run(
                [sys.executable, "-m", "quizapp", "config", "fsrs_parameters", "default"],
                env=env,
                check=True,
                capture_output=True,
            )
            run(ours, "ours")

        started = time.perf_counter()
        mine, base = alternate(optimize, lambda: run(bare, "bare"), rounds)
        name = f"optimize on {CARDS * REVIEWS_EACH:,} reviews (vs bare fsrs-rs-python fit)"
        report(f"{name}, wall", mine, base, budget=1.5)
        report(f"{name}, CPU", cpu["ours"] / rounds, cpu["bare"] / rounds, budget=1.5)
        verdict = "within" if mine <= BUDGET_SECONDS else "OVER"
        print(f"optimize: {mine:.1f}s wall against a budget of {BUDGET_SECONDS:.0f}s - {verdict}")
        print(f"(bench took {time.perf_counter() - started:.0f}s)")


if __name__ == "__main__":
    main()
