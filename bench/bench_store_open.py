"""Four processes open one new store at the same instant, 50 times: none may fail.

`quizapp` started twice at once (two terminals, a script and the app) both create the
store: before the fix 3-10 of 40 such races failed with "database is locked". Each round
here uses a fresh store path; four processes wait on a barrier and call `Store.open`
together. Prints the failures (the budget is 0) and the median time of a contended open
against an uncontended open measured in the same run.

    python bench/bench_store_open.py [ROUNDS]
"""

from __future__ import annotations

import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import report

from quizapp.store.db import Store, StoreError

PROCESSES = 4


def _open_once(path: str, barrier: Any, results: Any) -> None:
    barrier.wait()
    started = time.perf_counter()
    try:
        Store.open(Path(path)).close()
    except StoreError as error:
        results.put(("fail", str(error)))
        return
    results.put(("ok", time.perf_counter() - started))


def contended(folder: Path, rounds: int) -> tuple[list[float], list[str]]:
    """Seconds per successful open and the error of each failed one."""
    context = multiprocessing.get_context("fork")
    times: list[float] = []
    failures: list[str] = []
    for index in range(rounds):
        path = folder / f"race-{index}.db"
        barrier = context.Barrier(PROCESSES)
        results = context.Queue()
        workers = [
            context.Process(target=_open_once, args=(str(path), barrier, results))
            for _ in range(PROCESSES)
        ]
        for worker in workers:
            worker.start()
        for _ in workers:
            kind, value = results.get(timeout=60)
            if kind == "ok":
                times.append(float(value))
            else:
                failures.append(str(value))
        for worker in workers:
            worker.join()
    return times, failures


def alone(folder: Path, rounds: int) -> list[float]:
    """Seconds per open of a new store with no one else around."""
    times = []
    for index in range(rounds):
        path = folder / f"alone-{index}.db"
        started = time.perf_counter()
        Store.open(path).close()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = alone(folder, rounds)
        times, failures = contended(folder, rounds)
    print(f"store open: {PROCESSES} processes x {rounds} rounds, {len(failures)} failed (budget 0)")
    for failure in sorted(set(failures))[:5]:
        print(f"  {failure}")
    if times:
        report("contended first open", statistics.median(times), statistics.median(base), 10.0)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
