"""`quizapp grade` and `quizapp check` as a user runs them: in-process on the warm engine,
and one real process each (the smoke tests, marked slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import QuizappProcess, RunCli, WarmEngine

PACKS = Path(__file__).parent / "packs"
PROBED = PACKS / "probed" / "probed.yaml"


def test_grade_typed_question_json(run_cli: RunCli) -> None:
    code, out, err = run_cli(
        ["grade", str(PROBED), "typed", "torch.Size([1, 4, 64, 64])", "--json"]
    )
    assert code == 0, err
    result = json.loads(out)
    assert {"correct", "expected", "got", "detail", "trap"} <= set(result)
    assert result["correct"] is True
    assert result["expected"] == "(1, 4, 64, 64)"


def test_grade_wrong_answer_exits_zero(run_cli: RunCli) -> None:
    code, out, _ = run_cli(["grade", str(PROBED), "typed", "[2, 4, 64, 64]"])
    assert code == 0
    assert out.startswith("wrong: expected (1, 4, 64, 64), got (2, 4, 64, 64)")


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
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str, run_cli: RunCli) -> None:
    code, _, err = run_cli(args)
    assert code == 2
    assert err.count("\n") == 1 and message in err
    assert "Traceback" not in err


@pytest.mark.torch
@pytest.mark.slow
def test_grade_executed_question_with_trap(run_process: QuizappProcess) -> None:
    """The smoke test of `grade`: a real process starting its own reference worker."""
    out = run_process("grade", str(PROBED), "alpha-bar", "0.077797", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["correct"] is False
    assert result["expected"] == "0.276332"
    assert "scaled_linear" in result["trap"]


@pytest.mark.torch
@pytest.mark.slow
def test_check_sound_pack_passes_and_prints_values(run_process: QuizappProcess) -> None:
    """The smoke test of `check`: a real process starting its own reference worker."""
    out = run_process("check", str(PROBED.parent))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ok    test-probed/alpha-bar  alphas_cumprod[500] = 0.276332" in out.stdout
    assert "ok    test-probed/raises  raises = ValueError" in out.stdout
    assert "typed" not in out.stdout  # typed, sound questions are not probes


@pytest.mark.torch
def test_check_json_reports_wrong_expect_and_loose_trap(
    run_cli: RunCli, warm_engine: WarmEngine
) -> None:
    code, out, _ = run_cli(["check", str(PACKS / "unsound.yaml"), "--json"])
    assert code == 1
    rows = json.loads(out)
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
