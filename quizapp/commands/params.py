"""Bounded argument types: a number the domain cannot use is a one-line error at parse time.

click's ranges let `nan` through (every comparison with it is false) and have no upper
bound by default, so `--minutes 1e308` or `report 99999999999999999999999` reached the
domain and crashed there (a timedelta or SQLite overflow).
"""

from __future__ import annotations

import math
from typing import Any

import click

#: The longest mock interview the clock accepts, in minutes (a day).
MAX_MINUTES = 24 * 60
#: Upper bound for counts given on the command line (questions, reports back).
MAX_COUNT = 100_000
#: Seeds are 64-bit: what `random` and torch generators take without surprises.
MAX_SEED = 2**63 - 1


class FiniteFloatRange(click.FloatRange):
    """A FloatRange that also refuses nan and infinities."""

    name = "finite float range"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        converted = super().convert(value, param, ctx)
        if isinstance(converted, float) and not math.isfinite(converted):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return converted


#: `mock --minutes`: more than 0, at most a day.
MINUTES = FiniteFloatRange(min=0, max=MAX_MINUTES, min_open=True)
#: A count of at least 1 (`--questions`, `report N`).
COUNT = click.IntRange(min=1, max=MAX_COUNT)
#: A count that may be 0 (`--new`).
COUNT_OR_ZERO = click.IntRange(min=0, max=MAX_COUNT)
#: `--seed`.
SEED = click.IntRange(min=-MAX_SEED, max=MAX_SEED)
