"""Comparisons of a parsed answer with a reference, one small function per kind."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from quizapp.grading.values import ValueKind, as_number, as_sequence, as_shape, as_text
from quizapp.packs.models import DEFAULT_TOLERANCE, Tolerance
from quizapp.packs.regex import full_match

T = TypeVar("T")


def numbers_close(got: float, expected: float, tol: Tolerance = DEFAULT_TOLERANCE) -> bool:
    """|got - expected| <= max(rel * |expected|, abs).

    The relative part scales with the reference, not the answer, so that a trap's distance
    from the reference means the same thing in the grader and in `quizapp check`.
    """
    return abs(got - expected) <= max(tol.rel * abs(expected), tol.abs)


def shapes_equal(got: Sequence[int], expected: Sequence[int]) -> bool:
    """Exact equality, dimension by dimension (a list and a tuple can be equal)."""
    return tuple(got) == tuple(expected)


def sequences_close(
    got: Sequence[float], expected: Sequence[float], tol: Tolerance = DEFAULT_TOLERANCE
) -> bool:
    """Same length, and every element within `tol` of the expected one."""
    return len(got) == len(expected) and all(
        numbers_close(g, e, tol) for g, e in zip(got, expected, strict=True)
    )


def names_equal(got: str, expected: str) -> bool:
    """Case-insensitive equality of exception class names (or "none")."""
    return got.strip().casefold() == expected.strip().casefold()


def fold_text(text: str) -> str:
    """Case folded, inner whitespace collapsed to one space, ends stripped."""
    return " ".join(text.split()).casefold()


def text_accepted(text: str, accept: Sequence[str], accept_regex: str | None) -> bool:
    """Whether free text matches one accepted answer or the regex.

    Both sides are compared case- and whitespace-folded. The regex must match the whole
    (whitespace-collapsed) answer, case-insensitively, so that `adam` does not accept
    `not adam`. It runs on RE2 (`packs/regex.py`): linear time, no backtracking blowup.
    """
    folded = fold_text(text)
    if any(folded == fold_text(answer) for answer in accept):
        return True
    if accept_regex is None:
        return False
    return full_match(accept_regex, " ".join(text.split()))


@dataclass(frozen=True)
class Comparison(Generic[T]):
    """How loose values compare as one kind: read each side as the kind, then compare."""

    read: Callable[[object], T | None]
    equal: Callable[[T, T, Tolerance], bool]


#: One comparison per `ValueKind`: a new kind is one row here (a test checks all are).
COMPARISONS: dict[ValueKind, Comparison[Any]] = {
    "shape": Comparison(as_shape, lambda got, expected, tol: shapes_equal(got, expected)),
    "number": Comparison(as_number, numbers_close),
    "sequence": Comparison(as_sequence, sequences_close),
    "name": Comparison(as_text, lambda got, expected, tol: names_equal(got, expected)),
    "text": Comparison(as_text, lambda got, expected, tol: fold_text(got) == fold_text(expected)),
}


def values_match(
    got: object, expected: object, kind: ValueKind, tol: Tolerance = DEFAULT_TOLERANCE
) -> bool:
    """Whether two loose values are equal as `kind` (False when either is not of `kind`).

    Used where a pack's own values meet: a trap or a choice's `value` against the reference.
    """
    comparison = COMPARISONS[kind]
    got_value, expected_value = comparison.read(got), comparison.read(expected)
    return (
        got_value is not None
        and expected_value is not None
        and comparison.equal(got_value, expected_value, tol)
    )
