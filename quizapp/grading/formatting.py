"""Values formatted for display, shared by the grader and `quizapp check`.

Every format here parses back with `grading.parsers` (numbers to within their 6 significant
digits), so a learner who retypes a displayed answer is graded correct at the default
tolerance.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from quizapp.grading.values import ValueKind, as_number, as_sequence, as_shape, as_text

#: Significant digits shown for a number: enough for rel 1e-5, short enough to read.
SIGNIFICANT_DIGITS = 6

_EXPONENT = re.compile(r"e([+-])0*(\d)")


def format_number(value: float) -> str:
    """Up to 6 significant digits, no trailing zeros: 0.068265, -6.77476, 999, 4.0358e-5."""
    text = f"{value:.{SIGNIFICANT_DIGITS}g}"
    # `g` pads exponents (`1e-06`, `1e+06`); the short form reads better and parses the same.
    text = _EXPONENT.sub(lambda m: "e" + ("-" if m.group(1) == "-" else "") + m.group(2), text)
    return "0" if text == "-0" else text


def format_shape(shape: Sequence[int]) -> str:
    """As Python prints a tuple: (2, 4, 64, 64), (4,), ()."""
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(str(dim) for dim in shape) + ")"


def format_sequence(values: Sequence[float]) -> str:
    """Every element, each as `format_number`: [999, 888, 777]."""
    return "[" + ", ".join(format_number(value) for value in values) + "]"


def format_value(value: object, kind: ValueKind) -> str:
    """`value` displayed as `kind`.

    A value that is not of `kind` (a pack error that `quizapp check` reports) is shown as
    Python would print it, so that the report can still name it.
    """
    match kind:
        case "shape":
            shape = as_shape(value)
            return format_shape(shape) if shape is not None else repr(value)
        case "number":
            number = as_number(value)
            return format_number(number) if number is not None else repr(value)
        case "sequence":
            sequence = as_sequence(value)
            return format_sequence(sequence) if sequence is not None else repr(value)
        case "name" | "text":
            text = as_text(value)
            return text if text is not None else repr(value)


def choice_letter(index: int) -> str:
    """The letter of the choice at `index`: 0 → "a", 1 → "b"."""
    return chr(ord("a") + index)
