"""`accept_regex`: linear-time matching; patterns RE2 cannot run are refused at validation."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.grading.compare import text_accepted
from quizapp.packs.errors import PackLoadError
from quizapp.packs.loader import load_pack_text
from quizapp.packs.regex import MAX_PATTERN_LENGTH, RegexError, check_pattern, full_match

TEXT_PACK = """\
pack: {{id: rx, title: Regex}}
questions:
  - id: q
    type: text
    origin: mechanism
    topic: t
    difficulty: 1
    prompt: Which method?
    accept_regex: {pattern}
"""


@pytest.mark.parametrize("attack", ["(a+)+b", "(a|aa)+$", "(.*a){20}", "(a*)*b"])
def test_catastrophic_patterns_answer_at_once(attack: str) -> None:
    # With backtracking each of these takes minutes on 40 a's; RE2 is linear in the input.
    assert not full_match(attack, "a" * 100_000 + "!")


def test_whole_answer_ignoring_case() -> None:
    assert full_match(r"(scheduler\.)?set_timesteps\(\s*\w*\s*\)", "Scheduler.SET_timesteps(50)")
    assert not full_match("adam", "not adam")
    assert text_accepted("  prev   sample ", [], r"prev(ious)? sample")


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(a)\1", "invalid escape sequence"),
        (r"a(?=b)", "invalid perl operator"),
        ("(", "missing )"),
        ("x" * (MAX_PATTERN_LENGTH + 1), "the limit is"),
        (r"((a{100}){100}){100}", "invalid repetition size"),
    ],
)
def test_unusable_patterns_are_refused(pattern: str, reason: str) -> None:
    found = check_pattern(pattern)
    assert found is not None and reason in found
    with pytest.raises(RegexError):
        full_match(pattern, "a")


def test_validation_locates_an_unusable_pattern() -> None:
    with pytest.raises(PackLoadError) as raised:
        load_pack_text(TEXT_PACK.format(pattern="'(a)\\1'"), Path("rx.yaml"))
    [error] = raised.value.errors
    assert (error.line, error.col) == (9, 19)
    assert "RE2" in error.message and "invalid escape sequence" in error.message


def test_a_backtracking_bomb_pattern_still_loads_and_is_harmless() -> None:
    loaded = load_pack_text(TEXT_PACK.format(pattern="'(a+)+b'"), Path("rx.yaml"))
    question = loaded.pack.questions[0]
    assert not text_accepted("a" * 50_000, [], question.accept_regex)  # type: ignore[union-attr]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.text(max_size=200))
def test_any_pattern_and_answer_is_an_answer_or_a_refusal(pattern: str, answer: str) -> None:
    if check_pattern(pattern) is None:
        assert full_match(pattern, answer) in (True, False)
    else:
        with pytest.raises(RegexError):
            full_match(pattern, answer)


def test_an_answer_with_lone_surrogates_is_matched_not_crashed() -> None:
    # Undecodable command-line bytes reach the grader as lone surrogates (PEP 383).
    assert not full_match("^sample$", "\udcff\udcfe")
    assert full_match("^a.b$", "a\udcffb")
