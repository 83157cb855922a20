"""Comparisons, value kinds and display formats used by the grader and `quizapp check`."""

from __future__ import annotations

from typing import get_args

import pytest

from quizapp.grading.compare import (
    COMPARISONS,
    names_equal,
    numbers_close,
    sequences_close,
    shapes_equal,
    text_accepted,
    values_match,
)
from quizapp.grading.formatting import format_number, format_sequence, format_shape, format_value
from quizapp.grading.values import ValueKind, as_number, as_sequence, as_shape, is_kind
from quizapp.packs.models import DEFAULT_TOLERANCE, Tolerance

TIGHT = Tolerance(rel=1e-5, abs=1e-6)


class TestNumbersClose:
    def test_four_significant_figures_pass_the_default_tolerance(self) -> None:
        assert numbers_close(0.06827, 0.068265)
        assert numbers_close(0.06826, 0.068265)

    def test_relative_edge(self) -> None:
        # rel 1e-3 of 100 is 0.1: the boundary is inclusive.
        assert numbers_close(100.1, 100.0, Tolerance(rel=1e-3, abs=0))
        assert not numbers_close(100.1001, 100.0, Tolerance(rel=1e-3, abs=0))

    def test_absolute_floor_near_zero(self) -> None:
        assert numbers_close(5e-7, 0.0)
        assert not numbers_close(2e-6, 0.0)

    def test_relative_to_the_expected_value_not_the_answer(self) -> None:
        tol = Tolerance(rel=0.5, abs=0)
        assert numbers_close(1.5, 1.0, tol)
        assert not numbers_close(1.0, 0.6, tol)

    def test_naive_flow_shift_sigma_is_nine_e_minus_five_away(self) -> None:
        # domain facts §4: 0.960043 vs 0.960129 passes at rel 1e-4 but not at 1e-5.
        assert numbers_close(0.960043, 0.960129, Tolerance(rel=1e-4, abs=0))
        assert not numbers_close(0.960043, 0.960129, TIGHT)

    def test_sign_matters(self) -> None:
        assert not numbers_close(6.77476, -6.77476)


def test_shapes_equal_is_exact_and_ignores_container() -> None:
    assert shapes_equal((2, 4, 64, 64), [2, 4, 64, 64])
    assert not shapes_equal((1, 4, 64, 64), (2, 4, 64, 64))
    assert not shapes_equal((2, 4, 64), (2, 4, 64, 64))
    assert shapes_equal((), [])


class TestSequencesClose:
    def test_integers_match_euler_floats(self) -> None:
        assert sequences_close([999, 888], [999.0, 888.0])

    def test_length_must_match(self) -> None:
        assert not sequences_close([999, 888], [999.0, 888.0, 777.0])
        assert not sequences_close([], [1.0])

    def test_element_wise_tolerance(self) -> None:
        euler = [999.0, 749.25, 499.5, 249.75, 0.0]
        assert sequences_close([999, 749.25, 499.5, 249.75, 0], euler)
        assert not sequences_close([999, 749, 499, 249, 0], euler)

    def test_order_matters(self) -> None:
        assert not sequences_close([888, 999], [999, 888])


def test_names_equal_folds_case() -> None:
    assert names_equal("valueerror", "ValueError")
    assert names_equal("none", "None")
    assert not names_equal("IndexError", "ValueError")


class TestTextAccepted:
    def test_case_and_whitespace_fold(self) -> None:
        assert text_accepted("  Prev_Sample ", ["prev_sample"], None)
        assert text_accepted("model   output", ["Model output"], None)

    def test_not_accepted(self) -> None:
        assert not text_accepted("noise", ["prev_sample"], None)
        assert not text_accepted("anything", [], None)

    def test_regex_full_match_case_insensitive(self) -> None:
        regex = r"(the )?scheduler"
        assert text_accepted("The Scheduler", [], regex)
        assert text_accepted("scheduler", [], regex)
        assert not text_accepted("not the scheduler", [], regex)

    def test_regex_sees_collapsed_whitespace(self) -> None:
        assert text_accepted("the    scheduler", [], r"the scheduler")


class TestValuesMatch:
    def test_per_kind(self) -> None:
        assert values_match([2, 4, 8, 8], (2, 4, 8, 8), "shape")
        assert values_match(0.0683, 0.068265, "number")
        assert values_match([999, 888], [999.0, 888.0], "sequence")
        assert values_match("RuntimeError", "runtimeerror", "name")
        assert values_match(" Prev  Sample", "prev sample", "text")

    def test_wrong_kind_never_matches(self) -> None:
        assert not values_match("2x4", [2, 4], "shape")
        assert not values_match([1.0], 1.0, "number")
        assert not values_match(True, 1.0, "number")
        assert not values_match(3, "3", "name")

    def test_uses_the_tolerance(self) -> None:
        assert values_match(0.960043, 0.960129, "number", DEFAULT_TOLERANCE)
        assert not values_match(0.960043, 0.960129, "number", TIGHT)
        assert values_match([0.960043], [0.960129], "sequence", DEFAULT_TOLERANCE)
        assert not values_match([0.960043], [0.960129], "sequence", TIGHT)

    def test_every_kind_has_one_comparison(self) -> None:
        assert set(COMPARISONS) == set(get_args(ValueKind))

    def test_a_missing_side_never_matches(self) -> None:
        for kind in get_args(ValueKind):
            assert not values_match(None, None, kind)


class TestValues:
    def test_as_shape(self) -> None:
        assert as_shape([2, 4]) == (2, 4)
        assert as_shape([2.0, 4]) is None
        assert as_shape([-1]) is None
        assert as_shape([True]) is None
        assert as_shape(4) is None

    def test_as_number(self) -> None:
        assert as_number(1) == 1.0
        assert as_number(float("nan")) is None
        assert as_number("1") is None

    def test_as_sequence(self) -> None:
        assert as_sequence([999, 888.5]) == [999.0, 888.5]
        assert as_sequence([1, "a"]) is None

    def test_is_kind(self) -> None:
        assert is_kind("ValueError", "name")
        assert not is_kind([1, 2], "number")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.068265, "0.068265"),
        (-6.774763, "-6.77476"),
        (999.0, "999"),
        (749.25, "749.25"),
        (13.15852, "13.1585"),
        (4.0358e-5, "4.0358e-5"),
        (1e-6, "1e-6"),
        (1234567.0, "1.23457e6"),
        (-0.0, "0"),
        (0.0, "0"),
    ],
)
def test_format_number(value: float, shown: str) -> None:
    assert format_number(value) == shown


def test_format_shape_is_python_tuple_syntax() -> None:
    assert format_shape([2, 4, 64, 64]) == "(2, 4, 64, 64)"
    assert format_shape((4,)) == "(4,)"
    assert format_shape(()) == "()"


def test_format_sequence_shows_every_element() -> None:
    timesteps = [999.0, 899.0, 799.0, 699.0, 599.0, 500.0, 400.0, 300.0, 200.0, 100.0]
    assert format_sequence(timesteps) == "[999, 899, 799, 699, 599, 500, 400, 300, 200, 100]"


def test_format_value_by_kind() -> None:
    assert format_value([2, 4, 64, 64], "shape") == "(2, 4, 64, 64)"
    assert format_value(0.2763321, "number") == "0.276332"
    assert format_value([999.0, 749.25], "sequence") == "[999, 749.25]"
    assert format_value("ValueError", "name") == "ValueError"


def test_format_value_shows_a_value_of_the_wrong_kind_as_python_does() -> None:
    assert format_value("oops", "shape") == "'oops'"
    assert format_value(0.5, "name") == "0.5"
