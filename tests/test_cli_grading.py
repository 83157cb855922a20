"""`quizapp grade` and `quizapp check` as a user runs them (real worker: marked torch)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKS = Path(__file__).parent / "packs"
PROBED = PACKS / "probed" / "probed.yaml"


def quizapp(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quizapp", *args], capture_output=True, text=True, timeout=300
    )


def test_grade_typed_question_json() -> None:
    out = quizapp("grade", str(PROBED), "typed", "torch.Size([1, 4, 64, 64])", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert {"correct", "expected", "got", "detail", "trap"} <= set(result)
    assert result["correct"] is True
    assert result["expected"] == "(1, 4, 64, 64)"


def test_grade_wrong_answer_exits_zero() -> None:
    out = quizapp("grade", str(PROBED), "typed", "[2, 4, 64, 64]")
    assert out.returncode == 0
    assert out.stdout.startswith("wrong: expected (1, 4, 64, 64), got (2, 4, 64, 64)")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["grade", str(PROBED), "typed", "big"], "'big' is not a dimension"),
        (["grade", str(PROBED), "nope", "1"], "has no question 'nope'"),
        (["grade", "no-such-pack", "q", "1"], "unknown pack 'no-such-pack'"),
        (["grade", "/no/such.yaml", "q", "1"], "no such pack file"),
        (["check", "/no/such/dir"], "no such file, folder or pack id"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    out = quizapp(*args)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and message in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.torch
def test_grade_executed_question_with_trap() -> None:
    out = quizapp("grade", str(PROBED), "alpha-bar", "0.077797", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["correct"] is False
    assert result["expected"] == "0.276332"
    assert "scaled_linear" in result["trap"]


@pytest.mark.torch
def test_check_sound_pack_passes_and_prints_values() -> None:
    out = quizapp("check", str(PROBED.parent))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ok    test-probed/alpha-bar  alphas_cumprod[500] = 0.276332" in out.stdout
    assert "ok    test-probed/raises  raises = ValueError" in out.stdout
    assert "typed" not in out.stdout  # typed, sound questions are not probes


@pytest.mark.torch
def test_check_json_reports_wrong_expect_and_loose_trap() -> None:
    out = quizapp("check", str(PACKS / "unsound.yaml"), "--json")
    assert out.returncode == 1
    rows = json.loads(out.stdout)
    for row in rows:
        assert set(row) == {
            "pack",
            "question",
            "variant",
            "observe",
            "value",
            "expect",
            "ok",
            "error",
        }
    alpha = next(row for row in rows if row["question"] == "alpha-bar")
    assert alpha["ok"] is False
    assert alpha["expect"] == 0.2
    assert abs(alpha["value"] - 0.276332) < 1e-6
    assert "expect" in alpha["error"] and "trap" in alpha["error"]
    raises = next(row for row in rows if row["question"] == "raises")
    assert raises == {
        "pack": "test-unsound",
        "question": "raises",
        "variant": None,
        "observe": "raises",
        "value": "ValueError",
        "expect": "ValueError",
        "ok": True,
        "error": None,
    }
