"""Hypothesis: whatever the bytes, the loader answers with a pack or located errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.packs.errors import PackLoadError
from quizapp.packs.loader import load_pack_text

GOOD = (Path(__file__).parent / "packs" / "good.yaml").read_text()
PATH = Path("fuzz.yaml")

# Hundreds of generated packs per test.
pytestmark = pytest.mark.slow
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


# -- hostile scalars, keys and characters (issue 10) -------------------------------------

TAGS = st.sampled_from(
    [
        "",
        "!!int ",
        "!!float ",
        "!!bool ",
        "!!null ",
        "!!str ",
        "!!timestamp ",
        "!!binary ",
        "!!set ",
        "!!omap ",
        "!!python/name:os.system ",
        "!local ",
        "!<tag:yaml.org,2002:int> ",
    ]
)
PLAIN = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",), blacklist_characters="\n\r#:{}[],&*!|>'\"%@`"
    ),
    max_size=12,
)
HUGE = st.integers(min_value=4000, max_value=6000).map(lambda n: "9" * n) | st.sampled_from(
    [
        "1e999",
        "-1e999",
        ".nan",
        ".inf",
        "0x" + "f" * 5000,
        "0o777777",
        "1_000",
        "0b101",
        "190:20:30",
    ]
)
ESCAPED = st.lists(
    st.sampled_from(
        ["\\e", "\\a", "\\x1b", "\\x9b", "\\0", "\\r", "\\b", "\\u202e", "\\ud800", "x"]
    ),
    min_size=1,
    max_size=6,
).map(lambda parts: '"' + "".join(parts) + '"')
SCALARS = st.builds(lambda tag, value: tag + value, TAGS, PLAIN | HUGE | ESCAPED)
ODD_KEYS = (
    st.sampled_from(
        [
            "1",
            "on",
            "no",
            "~",
            "null",
            "1.5",
            "2024-01-01",
            "? [a]",
            "? {b: 1}",
            '"\\e[2J"',
            "<<",
            "!!int 3",
        ]
    )
    | SCALARS
)
FIELDS = ["version", "title", "description", "difficulty", "prompt", "answer", "topic", "id"]


def _replace_value(text: str, field: str, value: str) -> str:
    marker = f"{field}: "
    at = text.find(marker)
    if at < 0:
        return text
    end = text.find("\n", at)
    return text[: at + len(marker)] + value + text[end:]


@FUZZ
@given(st.sampled_from(FIELDS), SCALARS)
def test_hostile_scalars_in_any_field(field: str, value: str) -> None:
    outcome_safe(_replace_value(GOOD, field, value))


@FUZZ
@given(ODD_KEYS, SCALARS)
def test_odd_keys_anywhere(key: str, value: str) -> None:
    text = GOOD.replace("    difficulty: 1\n", f"    difficulty: 1\n    {key}: {value}\n", 1)
    outcome_safe(text)
    outcome_safe(GOOD.replace("pack:\n", f"pack:\n  {key}: {value}\n", 1))


@FUZZ
@given(st.text(alphabet=st.characters(max_codepoint=0x2FF), max_size=40))
def test_control_characters_raw_in_the_file(junk: str) -> None:
    outcome_safe(GOOD.replace("Which object owns", f"Which {junk} owns", 1))


def outcome_safe(text: str) -> None:
    """A pack or located errors, and no error line that could drive a terminal."""
    try:
        load_pack_text(text, PATH)
    except PackLoadError as error:
        assert error.errors
        for item in error.errors:
            assert item.line >= 1 and item.col >= 1
            shown = str(item)
            assert "\n" not in shown and len(item.message) <= 300
            assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in shown)
