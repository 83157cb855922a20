"""Helpers shared by the benchmarks: alternate two contenders, report medians and a ratio."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def alternate(
    contender: Callable[[], object],
    baseline: Callable[[], object],
    rounds: int = 7,
) -> tuple[float, float]:
    """Median seconds of each, run alternately so machine noise hits both alike."""
    ours: list[float] = []
    base: list[float] = []
    for _ in range(rounds):
        for fn, sink in ((baseline, base), (contender, ours)):
            started = time.perf_counter()
            fn()
            sink.append(time.perf_counter() - started)
    return statistics.median(ours), statistics.median(base)


def report(name: str, ours: float, base: float, budget: float, unit: str = "s") -> None:
    """One line: both medians, the ratio and the budget, and whether it holds."""
    ratio = ours / base if base else float("inf")
    verdict = "within budget" if ratio <= budget else "OVER BUDGET"
    print(
        f"{name}: ours {ours:.4f}{unit}, baseline {base:.4f}{unit}, "
        f"ratio {ratio:.2f}x (budget {budget}x) - {verdict}"
    )
