"""Hostile packs: every scalar, key, character and model path gets a located one-line error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quizapp.packs.errors import PackLoadError
from quizapp.packs.loader import load_pack, load_pack_text
from quizapp.packs.models import MAX_ID_LENGTH, MAX_QUESTION_ID_LENGTH
from quizapp.packs.registry import Registry

HERE = Path(__file__).parent
GOOD = (HERE / "packs" / "good.yaml").read_text()
PATH = Path("hostile.yaml")


def errors(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(PackLoadError) as caught:
        load_pack_text(text, PATH)
    found = [(e.line, e.col, e.message) for e in caught.value.errors]
    for _, _, message in found:
        assert "\n" not in message
    return found


def with_version(value: str) -> str:
    text = GOOD.replace("  version: 1\n", f"  version: {value}\n", 1)
    assert text != GOOD
    return text


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("!!bool maybe", "'maybe' is not a valid boolean"),
        ("!!int abc", "'abc' is not a valid integer"),
        ("!!float abc", "'abc' is not a valid number"),
        ("!!int ''", "'' is not a valid integer"),
        ("!!int 0x", "is not a valid integer"),
        ("!!float", "is not a valid number"),
        ("!!null yes", "version"),
        ("1" * 4301, "integer of 4301 characters is too long"),
        ("!!int " + "9" * 5000, "integer of 5000 characters is too long"),
        ("-" + "1" * 4400, "too long"),
        ("!!binary aGk=", "is not allowed in a pack"),
        ("!!set {a}", "is not allowed in a pack"),
        ("!!omap [a: 1]", "is not allowed in a pack"),
        ("!!python/name:os.system", "is not allowed in a pack"),
        ("!mytag x", "is not allowed in a pack"),
        (".nan", "finite number"),
        (".inf", "finite number"),
    ],
)
def test_tagged_and_huge_scalars_are_located(value: str, says: str) -> None:
    [(line, col, message)] = errors(with_version(value))
    assert (line, col) == (5, 12)
    assert says in message


def test_an_unquoted_date_says_quote_it() -> None:
    [(line, col, message)] = errors(GOOD.replace('title: "Test pack"', "title: 2024-01-01", 1))
    assert (line, col) == (4, 10)
    assert "read as a date; quote it" in message


@pytest.mark.parametrize(
    ("key", "what"), [("1", "a number"), ("on", "a boolean"), ("null", "null"), ("1.5", "a number")]
)
def test_a_non_string_key_is_located_at_the_key(key: str, what: str) -> None:
    text = GOOD.replace("    difficulty: 1\n", f"    difficulty: 1\n    {key}: x\n", 1)
    [(line, col, message)] = errors(text)
    assert (line, col) == (20, 5)
    assert f"is read as {what}" in message and "quote it" in message


def test_a_nul_byte_is_reported_where_it_is() -> None:
    text = GOOD.replace("Which object owns", "Which \x00object owns", 1)
    [(line, col, message)] = errors(text)
    assert (line, col) == (21, 19)
    assert "U+0000" in message


@pytest.mark.parametrize("escape", ["\\e]0;TITLE\\a", "\\e[2J", "\\x9b31m", "\\r", "\\b", "\\x7f"])
def test_escaped_control_characters_in_text_are_refused(escape: str) -> None:
    text = GOOD.replace("answer: The scheduler.", f'answer: "The {escape} scheduler."', 1)
    [(line, col, message)] = errors(text)
    assert (line, col) == (22, 13)
    assert "control character" in message


def test_newlines_and_tabs_are_fine() -> None:
    text = GOOD.replace("answer: The scheduler.", 'answer: "The\\tscheduler.\\n"', 1)
    assert load_pack_text(text, PATH).pack.questions[0].answer == "The\tscheduler.\n"  # type: ignore[union-attr]


@pytest.mark.parametrize("cyclic", ["a: &a [*a]\n", "a: &a {b: *a}\n"])
def test_a_recursive_alias_is_refused(cyclic: str) -> None:
    [(line, _, message)] = errors(cyclic)
    assert line == 1 and "alias" in message


def test_ids_have_a_length_limit() -> None:
    long_pack = GOOD.replace("id: test-good", "id: " + "a" * (MAX_ID_LENGTH + 1), 1)
    assert "at most 64 characters" in errors(long_pack)[0][2]
    long_question = GOOD.replace("id: owner", "id: " + "q" * 100_000, 1)
    [(line, col, message)] = errors(long_question)
    assert (line, col) == (15, 9) and f"at most {MAX_QUESTION_ID_LENGTH}" in message
    assert len(message) < 200


@pytest.mark.parametrize(
    "model", ["/proc/self", "/", "~", "/dev/null", "/dev/zero", "x" * 3000, "~nobody-here"]
)
def test_model_paths_that_are_not_models_are_located_errors(model: str) -> None:
    text = GOOD.replace("    difficulty: 3\n", "    difficulty: 3\n", 1)
    probe = (
        "  - id: probed\n    type: numeric\n    origin: mechanism\n    topic: t\n"
        "    difficulty: 1\n    prompt: p\n    probe:\n"
        f"      model: '{model}'\n      scheduler: DDIMScheduler\n      observe: alpha_prod_t\n"
    )
    found = errors(text + probe)
    assert len(found) == 1 and found[0][1] == 14
    assert len(found[0][2]) < 300


def test_fifo_and_devices_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero"), Path("/dev/null"), tmp_path):
        with pytest.raises(PackLoadError, match=r"not a regular file|cannot read"):
            load_pack(path)


def test_one_bad_pack_never_takes_the_others_down(tmp_path: Path) -> None:
    (tmp_path / "a-good.yaml").write_text(GOOD)
    (tmp_path / "b-bad.yaml").write_text(with_version("!!bool maybe"))
    (tmp_path / "c-bad.yaml").write_text(with_version("1" * 4301).replace("test-good", "c"))
    os.mkfifo(tmp_path / "d-fifo.yaml")
    registry = Registry.load([tmp_path])
    assert list(registry.packs) == ["test-good"]
    broken = registry.broken()
    assert len(broken) == 3
    assert any("b-bad.yaml:5:12:" in line for line in broken)
    assert any("d-fifo.yaml:1:1: not a regular file" in line for line in broken)
