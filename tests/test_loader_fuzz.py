"""Hypothesis: whatever the bytes, the loader answers with a pack or located errors."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.packs.errors import PackLoadError
from quizapp.packs.loader import load_pack_text

GOOD = (Path(__file__).parent / "packs" / "good.yaml").read_text()
PATH = Path("fuzz.yaml")

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(text: str) -> None:
    try:
        load_pack_text(text, PATH)
    except PackLoadError as error:
        assert error.errors
        for item in error.errors:
            assert item.line >= 1 and item.col >= 1
            assert "\n" not in item.message


@FUZZ
@given(st.text(max_size=400))
def test_arbitrary_text(text: str) -> None:
    outcome(text)


@FUZZ
@given(st.integers(min_value=0, max_value=len(GOOD)), st.text(max_size=20))
def test_mutated_good_pack(position: int, insert: str) -> None:
    outcome(GOOD[:position] + insert + GOOD[position:])


@FUZZ
@given(st.integers(min_value=0, max_value=len(GOOD) - 1), st.integers(min_value=1, max_value=40))
def test_truncated_or_cut_good_pack(start: int, length: int) -> None:
    outcome(GOOD[:start] + GOOD[start + length :])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(st.dictionaries(st.sampled_from(["pack", "questions", "x"]), json_values, max_size=3))
def test_arbitrary_structures(data: dict[str, object]) -> None:
    outcome(yaml.safe_dump(data))


@FUZZ
@given(
    st.sampled_from(["type", "difficulty", "prompt", "answer", "covers", "choices", "probe"]),
    json_values,
)
def test_replaced_question_field(field: str, value: object) -> None:
    data = yaml.safe_load(GOOD)
    data["questions"][2][field] = value
    outcome(yaml.safe_dump(data))
