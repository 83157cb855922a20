"""Years of history: `stats --json` and the home screen's counts on 1M reviews / 5,000 questions.

Budgets (issue 14), one run, each alternated with its baseline:
- `quizapp stats --json`, whole process, <= 3x a bare `sqlite3` GROUP BY over the same
  reviews (the sqlite3 shell when installed, else a bare Python sqlite3 script);
- the home screen with its pack counts painted <= 1.3x a bare Textual app's first frame
  (the pack summaries come from the cache, so no pydantic on start).

The store is generated once into a temp dir: 1,000,000 reviews over three years on 5,000
questions of 10 generated packs (the same packs as bench_load), each question scheduled.
A second store holds the optimizer's history (issue 22: 20,000 cards x 50 reviews, days
apart, from bench_optimize), each card scheduled: `stats --json` on it, same budget.
Prints, does not assert.

    .venv/bin/python bench/bench_dashboard.py [ROUNDS]
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench_optimize
from bench_load import FILES, PER_FILE, write_packs
from common import alternate, report

from quizapp.store.db import Store
from quizapp.store.rows import to_db_time
from quizapp.study import scheduling

REVIEWS = 1_000_000
DAYS = 3 * 365
NOW = datetime.now(UTC)
GROUP_BY = (
    "SELECT pack_id, count(*), sum(correct = 1), count(correct) FROM reviews GROUP BY pack_id;"
)
CHILD = Path(__file__).parent / "tui_child.py"


def question_ids() -> list[tuple[str, str]]:
    kinds = ["flash", "choice", "numeric", "probe"]
    return [
        (f"bench-{f}", f"{kinds[n % len(kinds)]}-{f}-{n}")
        for f in range(FILES)
        for n in range(PER_FILE)
    ]


def fill_store(path: Path) -> None:
    """1M reviews spread over three years, and a card per question."""
    Store.open(path).close()  # the schema, at the latest version
    rng = random.Random(0)
    keys = question_ids()
    start = NOW - timedelta(days=DAYS)
    db = sqlite3.connect(path)
    db.execute("BEGIN")

    # Appended in time order, as a learner's reviews are.
    seconds = sorted(rng.randrange(DAYS * 86400) for _ in range(REVIEWS))

    def rows():  # type: ignore[no-untyped-def]
        for offset in seconds:
            pack, question = keys[rng.randrange(len(keys))]
            at = start + timedelta(seconds=offset)
            right = rng.random() < 0.85
            yield (
                pack,
                question,
                "x",
                int(right),
                3 if right else 1,
                5.0,
                "practice",
                to_db_time(at),
            )

    db.executemany(
        "INSERT INTO reviews (pack_id, question_id, answer, correct, rating, seconds, mode,"
        " reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows(),
    )
    cards = []
    for pack, question in keys:
        at = NOW - timedelta(days=rng.randrange(1, 60))
        card_json, due = scheduling.review(None, 3, at)
        card_json, due = scheduling.review(card_json, 3, at + timedelta(days=1))
        cards.append((pack, question, card_json, to_db_time(due)))
    db.executemany("INSERT INTO cards VALUES (?, ?, ?, ?)", cards)
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()


def fill_cards_store(path: Path) -> None:
    """bench_optimize's 20,000 cards x 50 reviews, and a card per question."""
    bench_optimize.fill_store(path)
    rng = random.Random(1)
    cards = []
    for card in range(bench_optimize.CARDS):
        at = NOW - timedelta(days=rng.randrange(1, 60))
        card_json, due = scheduling.review(None, 3, at)
        card_json, due = scheduling.review(card_json, 3, at + timedelta(minutes=10))
        cards.append(("bench", f"q{card}", card_json, to_db_time(due)))
    db = sqlite3.connect(path)
    db.executemany("INSERT INTO cards VALUES (?, ?, ?, ?)", cards)
    db.commit()
    db.execute("ANALYZE")
    db.close()


def bare_group_by(db: Path) -> list[str]:
    """The baseline: the same GROUP BY in the sqlite3 shell, or bare Python sqlite3."""
    shell = shutil.which("sqlite3")
    if shell:
        return [shell, str(db), GROUP_BY]
    code = f"import sqlite3; sqlite3.connect({str(db)!r}).execute({GROUP_BY!r}).fetchall()"
    return [sys.executable, "-c", code]


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "QUIZAPP_HOME": home}
        packs = Path(home) / "packs"
        packs.mkdir()
        write_packs(packs)
        db = Path(home) / "quizapp.db"
        fill_store(db)
        stats = [sys.executable, "-m", "quizapp", "stats", "--json"]
        subprocess.run(stats, env=env, check=True, capture_output=True)  # fills the cache
        bare = bare_group_by(db)
        shell = bare[0] != sys.executable

        def run(command: list[str]) -> None:
            subprocess.run(command, env=env, check=True, capture_output=True)

        ours, base = alternate(lambda: run(stats), lambda: run(bare), rounds)
        report(
            f"stats --json on {REVIEWS:,} reviews / {FILES * PER_FILE:,} questions"
            f" (vs bare {'sqlite3 shell' if shell else 'python sqlite3'} GROUP BY)",
            ours,
            base,
            budget=3.0,
        )
        home_loaded = [sys.executable, str(CHILD), "home-loaded"]
        bare_app = [sys.executable, str(CHILD), "bare"]
        ours, base = alternate(lambda: run(home_loaded), lambda: run(bare_app), rounds)
        report("home with pack counts painted (vs bare Textual first frame)", ours, base, 1.3)
    with tempfile.TemporaryDirectory() as cards_home:
        cards_env = {**os.environ, "QUIZAPP_HOME": cards_home}
        db = Path(cards_home) / "quizapp.db"
        fill_cards_store(db)

        def run_cards(command: list[str]) -> None:
            subprocess.run(command, env=cards_env, check=True, capture_output=True)

        run_cards(stats)  # fills the cache
        bare = bare_group_by(db)
        ours, base = alternate(lambda: run_cards(stats), lambda: run_cards(bare), rounds)
        report(
            f"stats --json on {bench_optimize.CARDS * bench_optimize.REVIEWS_EACH:,} reviews /"
            f" {bench_optimize.CARDS:,} cards (vs bare GROUP BY)",
            ours,
            base,
            budget=3.0,
        )


if __name__ == "__main__":
    main()
