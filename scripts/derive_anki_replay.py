"""Derive tests/fixtures/anki_replay.json: review histories replayed in Anki's own scheduler.

Each history (a card's ratings at given UTC times) is answered in a fresh Anki collection
with FSRS on (default parameters, desired retention 0.9, learning steps 1m 10m,
relearning step 10m, next day at 4 am), at the history's own times: the clock of this
process is moved with libfaketime, so Anki's Rust backend counts days exactly as it does
for a learner. After each answer the card's stability, difficulty, state and next interval
are recorded. `tests/test_anki_replay.py` replays the same histories in quizapp.

Needs the `anki` package (test-only) and libfaketime (`apt-get install faketime`):

    .venv/bin/python scripts/derive_anki_replay.py > tests/fixtures/anki_replay.json

The parent (this script without arguments) generates the histories and runs itself as a
child under libfaketime; the child (`--child FILE`) answers them. `ANKI_TEST_MODE` turns
Anki's fuzz off, as quizapp's is.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ZONES = ("UTC", "America/Los_Angeles", "Europe/Berlin")
ROLLOVER_HOUR = 4
HISTORIES = 30
LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"


def histories() -> list[dict[str, object]]:
    """The issue's example first, then seeded random histories of 2-9 reviews."""
    start = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    out: list[dict[str, object]] = [
        {
            "zone": "UTC",
            "reviews": [
                [start.isoformat(), 3],
                [(start + timedelta(minutes=10)).isoformat(), 3],
                [(start + timedelta(days=3)).isoformat(), 3],
            ],
        }
    ]
    rng = random.Random(22)
    while len(out) < HISTORIES:
        at = start + timedelta(days=rng.randrange(60), minutes=rng.randrange(24 * 60))
        reviews = []
        for _ in range(rng.randrange(2, 10)):
            reviews.append([at.isoformat(), rng.choice((1, 2, 3, 3, 3, 4))])
            # Same-day steps, a night across the rollover, or days to weeks apart.
            gap = rng.choice(
                (
                    timedelta(minutes=rng.randrange(1, 30)),
                    timedelta(hours=rng.randrange(2, 20)),
                    timedelta(days=rng.randrange(1, 30), hours=rng.randrange(-6, 7)),
                )
            )
            at += gap
        out.append({"zone": ZONES[len(out) % len(ZONES)], "reviews": reviews})
    return out


def _set_clock(clock_file: Path, at: datetime) -> None:
    # libfaketime reads this file on every call (FAKETIME_NO_CACHE): an absolute, frozen
    # time, read as local time (TZ); checked, since an hour repeated by DST is ambiguous.
    clock_file.write_text(at.astimezone().strftime("%Y-%m-%d %H:%M:%S"))
    if abs(time.time() - at.timestamp()) > 1:
        sys.exit(f"libfaketime did not set the clock to {at.isoformat()}")


def child(spec_file: Path, clock_file: Path) -> None:
    from anki.collection import Collection
    from anki.scheduler_pb2 import CardAnswer

    spec = json.loads(spec_file.read_text())
    reviews = [(datetime.fromisoformat(at), rating) for at, rating in spec["reviews"]]
    # The collection is made a day before the first review: Anki counts days from it.
    _set_clock(clock_file, reviews[0][0] - timedelta(days=1))
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "c.anki2")
        col = Collection(path)
        col.set_config("rollover", ROLLOVER_HOUR)
        col.set_config("fsrs", True)
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = "q", "a"
        col.add_note(note, col.decks.id("Default"))
        card_id = note.cards()[0].id
        steps = []
        for at, rating in reviews:
            _set_clock(clock_file, at)
            # Reopened for each answer, as a learner opens Anki: the backend caches today's
            # day boundary for as long as a collection is open.
            col.close()
            col = Collection(path)
            card = col.get_card(card_id)
            card.start_timer()
            states = col._backend.get_scheduling_states(card_id)
            answer = col.sched.build_answer(card=card, states=states, rating=rating - 1)
            answer = CardAnswer(
                card_id=answer.card_id,
                current_state=answer.current_state,
                new_state=answer.new_state,
                rating=answer.rating,
                answered_at_millis=int(at.timestamp() * 1000),
                milliseconds_taken=5000,
            )
            col.sched.answer_card(answer)
            card = col.get_card(card_id)
            state = answer.new_state.normal
            kind = state.WhichOneof("kind")
            step: dict[str, object] = {
                "stability": card.memory_state.stability,
                "difficulty": card.memory_state.difficulty,
                "state": kind,
            }
            if kind == "review":
                step["interval_days"] = state.review.scheduled_days
            elif kind == "relearning":
                step["delay_seconds"] = state.relearning.learning.scheduled_secs
            else:
                step["delay_seconds"] = state.learning.scheduled_secs
            steps.append(step)
        col.close()
    print(json.dumps(steps))


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        clock = Path(tmp) / "clock"
        clock.write_text("2026-01-01 00:00:00")
        for spec in histories():
            spec_file = Path(tmp) / "spec.json"
            spec_file.write_text(json.dumps(spec))
            env = {
                **os.environ,
                "TZ": str(spec["zone"]),
                "ANKI_TEST_MODE": "1",
                "LD_PRELOAD": LIBFAKETIME,
                "FAKETIME_TIMESTAMP_FILE": str(clock),
                "FAKETIME_NO_CACHE": "1",
            }
            command = [sys.executable, __file__, "--child", str(spec_file), str(clock)]
            done = subprocess.run(command, env=env, capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"anki child failed on {spec}: {done.stderr.strip()[-2000:]}")
            results.append({**spec, "anki": json.loads(done.stdout.strip().splitlines()[-1])})
    fixture = {
        "derived_by": "scripts/derive_anki_replay.py",
        "anki": _anki_version(),
        "rollover_hour": ROLLOVER_HOUR,
        "desired_retention": 0.9,
        "histories": results,
    }
    print(json.dumps(fixture, indent=1))


def _anki_version() -> str:
    from importlib.metadata import version

    return version("anki")


if __name__ == "__main__":
    main()
