"""Reference values narrowed to what a question compares: a shape, a number, a list, a name.

A pack's `Value` (`int | float | str | list[int] | list[float]`) is loose on purpose: the
same field holds a shape, a number or an exception name. These helpers turn a loose value
into the kind a question compares (`grading.qtypes.reference_kind` says which), or None when
it is not one.
"""

from __future__ import annotations

import math
from typing import Literal

#: What a reference is compared as. "name" is an exception class name (case-insensitive);
#: "text" is free text graded against `accept`/`accept_regex`.
ValueKind = Literal["shape", "number", "sequence", "name", "text"]


def as_shape(value: object) -> tuple[int, ...] | None:
    """`value` as a shape (non-negative ints), or None."""
    if not isinstance(value, list | tuple):
        return None
    if not all(_is_int(item) and item >= 0 for item in value):
        return None
    return tuple(int(item) for item in value)


def as_number(value: object) -> float | None:
    """`value` as a finite number, or None (bools are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def as_sequence(value: object) -> list[float] | None:
    """`value` as a list of finite numbers, or None."""
    if not isinstance(value, list | tuple):
        return None
    numbers = [as_number(item) for item in value]
    if any(number is None for number in numbers):
        return None
    return [number for number in numbers if number is not None]


def as_text(value: object) -> str | None:
    """`value` as a string (a name or a free-text answer), or None."""
    return value if isinstance(value, str) else None


def is_kind(value: object, kind: ValueKind) -> bool:
    """Whether `value` can be read as `kind`."""
    match kind:
        case "shape":
            return as_shape(value) is not None
        case "number":
            return as_number(value) is not None
        case "sequence":
            return as_sequence(value) is not None
        case "name" | "text":
            return as_text(value) is not None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
