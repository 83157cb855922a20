"""`quizapp grade --file`, `quizapp exercise` and `quizapp check` on code questions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quizapp import locations
from quizapp.store.db import Store

CODE_PACK = Path(__file__).parent / "code" / "code-pack.yaml"
RIGHT = (
    "def guide(noise_uncond, noise_text, guidance_scale):\n"
    "    return noise_uncond + guidance_scale * (noise_text - noise_uncond)\n"
)
SWAPPED = (
    "def guide(noise_uncond, noise_text, guidance_scale):\n"
    "    print('hello from the learner')\n"
    "    return noise_text + guidance_scale * (noise_uncond - noise_text)\n"
)


def quizapp(
    *args: str, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quizapp", *args],
        capture_output=True,
        text=True,
        timeout=600,
        input=stdin,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["grade", str(CODE_PACK), "write-cfg", "--file", "/no/such/sol.py"], "no such file"),
        (["grade", str(CODE_PACK), "nope", "--file", "-"], "has no question 'nope'"),
        (["grade", str(CODE_PACK), "write-cfg"], "missing the answer"),
        (["grade", str(CODE_PACK), "write-cfg", "x", "--file", "-"], "not both"),
        (["exercise", str(CODE_PACK), "nope"], "has no question 'nope'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    out = quizapp(*args, stdin="")
    assert out.returncode == 2, out.stderr
    assert out.stderr.count("\n") == 1 and message in out.stderr


def test_exercise_refuses_a_question_that_is_not_code(tmp_path: Path) -> None:
    good = Path(__file__).parent / "packs" / "good.yaml"
    question = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from quizapp.packs.loader import load_pack;"
            f"print(load_pack(__import__('pathlib').Path({str(good)!r})).pack.questions[0].id)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    out = quizapp("exercise", str(good), question, str(tmp_path / "x.py"))
    assert out.returncode == 2 and "not a code one" in out.stderr


@pytest.mark.torch
def test_grade_file_json_names_the_mistake_and_exits_zero(tmp_path: Path) -> None:
    solution = tmp_path / "sol.py"
    solution.write_text(SWAPPED, encoding="utf-8")
    out = quizapp("grade", str(CODE_PACK), "write-cfg", "--file", str(solution), "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["correct"] is False
    assert result["mistake"] == "swapped_guidance"
    assert len(result["cases"]) == 3
    row = result["cases"][0]
    assert set(row) == {
        "case",
        "ok",
        "max_abs_err",
        "expected_shape",
        "got_shape",
        "error",
        "mistake",
    }
    assert row["ok"] is False and row["mistake"] == "swapped_guidance"
    assert row["expected_shape"] == row["got_shape"] == [1, 4, 8, 8]
    assert "hello from the learner" in result["output"]


@pytest.mark.torch
def test_grade_reads_stdin_and_prints_a_row_per_case() -> None:
    out = quizapp("grade", str(CODE_PACK), "write-cfg", "--file", "-", stdin=RIGHT)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "correct: all 3 cases pass"
    assert sum(line.lstrip().startswith("✓") for line in lines) == 3


@pytest.mark.torch
def test_exercise_writes_the_starter_and_regrades_on_save(tmp_path: Path) -> None:
    target = tmp_path / "cfg.py"
    process = subprocess.Popen(
        [sys.executable, "-m", "quizapp", "exercise", str(CODE_PACK), "write-cfg", str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )
    try:
        deadline = time.monotonic() + 60
        while not target.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert target.read_text(encoding="utf-8").startswith("def guide(")
        time.sleep(0.6)  # a save must change the modification time the watcher polls
        target.write_text(SWAPPED, encoding="utf-8")
        time.sleep(1.5)
        target.write_text(RIGHT, encoding="utf-8")
        stdout, stderr = process.communicate(timeout=600)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr
    assert "wrong: 0 of 3 cases pass; looks like swapped_guidance" in stdout
    assert "correct: all 3 cases pass" in stdout
    assert "Reference solution:" in stdout


@pytest.mark.torch
def test_exercise_never_overwrites_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "mine.py"
    target.write_text(RIGHT, encoding="utf-8")
    out = quizapp("exercise", str(CODE_PACK), "write-cfg", str(target))
    assert out.returncode == 0, out.stderr
    assert target.read_text(encoding="utf-8") == RIGHT
    assert "Kept your existing file." in out.stdout
    # The pass is a review, as a submission in the TUI; the first grade said it waits.
    assert "Starting the code runner" in out.stdout
    assert "recorded as" in out.stdout and "Next: quizapp exercise" in out.stdout
    with Store.open(locations.db_path()) as store:
        [review] = store.reviews("code-tests", "write-cfg")
        assert review.correct is True and review.rating is not None and review.mode == "practice"
        assert store.card("code-tests", "write-cfg") is not None


@pytest.mark.torch
def test_check_runs_solution_starter_and_mistake_examples() -> None:
    out = quizapp("check", str(CODE_PACK), "--json")
    assert out.returncode == 0, out.stdout + out.stderr
    rows = {row["question"]: row for row in json.loads(out.stdout)}
    assert rows["write-cfg"]["ok"] is True
    assert rows["write-cfg"]["value"] == "solution 3/3, starter 0/3, mistakes 3/3 recognised"


@pytest.mark.torch
def test_check_fails_cases_that_cannot_show_a_mistake(tmp_path: Path) -> None:
    # With guidance 1.0 everywhere, guidance mistakes give the right answer.
    text = CODE_PACK.read_text(encoding="utf-8").replace(
        "      - {guidance_scale: 2.0, seed: 3}", "      - {guidance_scale: 1.0, seed: 3}"
    )
    pack = tmp_path / "weak.yaml"
    pack.write_text(text, encoding="utf-8")
    out = quizapp("check", str(pack))
    assert out.returncode == 1
    assert "mistake text_only passes every case: the cases cannot show it" in out.stdout
