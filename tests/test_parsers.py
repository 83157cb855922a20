"""Answer parsers: every documented spelling, every rejection, and fuzzing."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.grading.formatting import format_number, format_sequence, format_shape
from quizapp.grading.parsers import (
    AnswerSyntaxError,
    parse_choices,
    parse_name,
    parse_number,
    parse_sequence,
    parse_shape,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(2, 4, 64, 64)", (2, 4, 64, 64)),
        ("[2,4,64,64]", (2, 4, 64, 64)),
        ("2x4x64x64", (2, 4, 64, 64)),
        ("2X4X64X64", (2, 4, 64, 64)),
        ("2 × 4 × 64 × 64", (2, 4, 64, 64)),
        ("2, 4, 64, 64", (2, 4, 64, 64)),
        ("2 4 64 64", (2, 4, 64, 64)),
        ("torch.Size([2, 4, 64, 64])", (2, 4, 64, 64)),
        ("Size([1, 4, 8, 8])", (1, 4, 8, 8)),
        ("  ( 12 , 77 , 768 )  ", (12, 77, 768)),
        ("(4,)", (4,)),
        ("[4]", (4,)),
        ("4", (4,)),
        ("()", ()),
        ("torch.Size([])", ()),
    ],
)
def test_parse_shape_spellings(text: str, expected: tuple[int, ...]) -> None:
    assert parse_shape(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", "(2, 4", "[2, 4)", "(2, -4)", "(2.0, 4)", "((2, 4))", "two", "x", "(2, 4, 1e3)"],
)
def test_parse_shape_rejects(text: str) -> None:
    with pytest.raises(AnswerSyntaxError):
        parse_shape(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1e-3", 1e-3),
        ("1E-3", 1e-3),
        ("-6.77", -6.77),
        ("−6.77476", -6.77476),
        ("0.068265", 0.068265),
        ("+1.5", 1.5),
        (".5", 0.5),
        ("-.5", -0.5),
        ("2.", 2.0),
        ("1_000", 1000.0),
        ("13.1585 ", 13.1585),
        ("tensor(0.0683)", 0.0683),
        ("tensor(1.0933, dtype=torch.float64)", 1.0933),
        ("42", 42.0),
    ],
)
def test_parse_number_spellings(text: str, expected: float) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "infinity",
        "1e999",
        "1,000",
        "0,5",
        "1_",
        "_1",
        "1__000",
        "abc",
        "1/2",
        "e5",
        "1e",
        "--1",
        "0x10",
        "1 2",
        "__import__('os')",
    ],
)
def test_parse_number_rejects(text: str) -> None:
    with pytest.raises(AnswerSyntaxError):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("999, 888", [999.0, 888.0]),
        ("[999.0, 888.0]", [999.0, 888.0]),
        ("tensor([999, 888])", [999.0, 888.0]),
        ("tensor([999., 888.], dtype=torch.float32)", [999.0, 888.0]),
        ("999 888", [999.0, 888.0]),
        ("  999 ,888,  ", [999.0, 888.0]),
        ("(999, 749.25, 499.5, 249.75, 0.0)", [999.0, 749.25, 499.5, 249.75, 0.0]),
        ("0.5", [0.5]),
    ],
)
def test_parse_sequence_spellings(text: str, expected: list[float]) -> None:
    assert parse_sequence(text) == expected


@pytest.mark.parametrize(
    "text", ["", "[]", "999, …, 1", "999, ..., 1", "999, nan", "[999, 888", "[[999]]", "a, b"]
)
def test_parse_sequence_rejects(text: str) -> None:
    with pytest.raises(AnswerSyntaxError):
        parse_sequence(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ValueError", "ValueError"),
        ("valueerror", "valueerror"),
        ("  IndexError  ", "IndexError"),
        ("builtins.ValueError", "ValueError"),
        ("torch.OutOfMemoryError", "OutOfMemoryError"),
        ("ValueError: Passing integer indices", "ValueError"),
        ("raise RuntimeError", "RuntimeError"),
        ("ValueError()", "ValueError"),
        ("none", "none"),
        ("None", "none"),
        ("no error", "none"),
        ("No  Error.", "none"),
        ("nothing", "none"),
        ("no exception", "none"),
    ],
)
def test_parse_name_spellings(text: str, expected: str) -> None:
    assert parse_name(text) == expected


@pytest.mark.parametrize("text", ["", "  ", "Value Error", "1Error", "a.b c", ": msg", "Error!"])
def test_parse_name_rejects(text: str) -> None:
    with pytest.raises(AnswerSyntaxError):
        parse_name(text)


@pytest.mark.parametrize(
    ("text", "multiple", "expected"),
    [
        ("a", False, {0}),
        ("B", False, {1}),
        (" d ", False, {3}),
        ("b)", False, {1}),
        ("(c)", False, {2}),
        ("1", False, {0}),
        ("4", False, {3}),
        ("a, c", True, {0, 2}),
        ("a c", True, {0, 2}),
        ("a and c", True, {0, 2}),
        ("ac", True, {0, 2}),
        ("1, 3", True, {0, 2}),
        ("a, a", False, {0}),
    ],
)
def test_parse_choices_spellings(text: str, multiple: bool, expected: set[int]) -> None:
    assert parse_choices(text, 4, multiple) == frozenset(expected)


@pytest.mark.parametrize(
    ("text", "multiple"),
    [("", False), ("e", False), ("5", False), ("0", False), ("a, c", False), ("ac", False),
     ("z", True), ("?", True)],
)  # fmt: skip
def test_parse_choices_rejects(text: str, multiple: bool) -> None:
    with pytest.raises(AnswerSyntaxError):
        parse_choices(text, 4, multiple)


def test_parse_choices_rejects_a_bad_choice_count_as_a_bug() -> None:
    with pytest.raises(ValueError) as caught:
        parse_choices("a", 0, False)
    assert not isinstance(caught.value, AnswerSyntaxError)


def test_error_messages_are_one_short_line() -> None:
    with pytest.raises(AnswerSyntaxError) as caught:
        parse_number("this is\na long answer that goes on and on and on")
    message = str(caught.value)
    assert "\n" not in message
    assert len(message) < 100


# Fuzzing: whatever a learner types, the only failure a parser may report is bad syntax.

_TEXT = st.text(
    alphabet=st.characters(codec="utf-8")
    | st.sampled_from("0123456789()[],.xX×*eE+-−_ :torch.Size tensor"),
    max_size=60,
)


def _parses_or_rejects(parse: Callable[[str], object], text: str) -> None:
    try:
        parse(text)
    except AnswerSyntaxError as error:
        assert "\n" not in str(error)


@given(_TEXT)
def test_parse_shape_never_crashes(text: str) -> None:
    _parses_or_rejects(parse_shape, text)


@given(_TEXT)
def test_parse_number_never_crashes(text: str) -> None:
    with contextlib.suppress(AnswerSyntaxError):
        assert math.isfinite(parse_number(text))


@given(_TEXT)
def test_parse_sequence_never_crashes(text: str) -> None:
    with contextlib.suppress(AnswerSyntaxError):
        assert all(math.isfinite(value) for value in parse_sequence(text))


@given(_TEXT)
def test_parse_name_never_crashes(text: str) -> None:
    _parses_or_rejects(parse_name, text)


@given(_TEXT, st.integers(min_value=1, max_value=6), st.booleans())
def test_parse_choices_never_crashes(text: str, n_choices: int, multiple: bool) -> None:
    try:
        picked = parse_choices(text, n_choices, multiple)
    except AnswerSyntaxError:
        return
    assert picked and all(0 <= index < n_choices for index in picked)
    assert multiple or len(picked) == 1


# Round trips: what the app displays, a learner can type back.

_FINITE = st.floats(allow_nan=False, allow_infinity=False)


@given(st.lists(st.integers(min_value=0, max_value=10**9), max_size=6))
def test_shape_round_trip(shape: list[int]) -> None:
    assert parse_shape(format_shape(shape)) == tuple(shape)


@given(_FINITE)
def test_number_round_trip_within_six_significant_digits(value: float) -> None:
    # format_number shows 6 significant digits; tighter than the default rel 1e-3.
    assert math.isclose(parse_number(format_number(value)), value, rel_tol=1e-5, abs_tol=0)


@given(st.lists(_FINITE, min_size=1, max_size=12))
def test_sequence_round_trip_within_six_significant_digits(values: list[float]) -> None:
    parsed = parse_sequence(format_sequence(values))
    assert len(parsed) == len(values)
    assert all(math.isclose(p, v, rel_tol=1e-5) for p, v in zip(parsed, values, strict=True))


@given(st.lists(st.integers(min_value=-(10**6), max_value=10**6), min_size=1, max_size=12))
def test_integer_sequence_round_trip_is_exact(values: list[int]) -> None:
    assert parse_sequence(format_sequence([float(v) for v in values])) == values
