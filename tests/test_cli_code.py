"""`quizapp grade --file`, `quizapp exercise` and `quizapp check` on code questions."""

from __future__ import annotations

import json
import queue
import threading
import time
from pathlib import Path
from typing import IO

import pytest
from conftest import QuizappProcess, RunCli, WarmEngine

from quizapp import locations
from quizapp.packs.loader import load_pack
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
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str, run_cli: RunCli) -> None:
    code, _, err = run_cli(args, stdin="")
    assert code == 2, err
    assert err.count("\n") == 1 and message in err


def test_exercise_refuses_a_question_that_is_not_code(tmp_path: Path, run_cli: RunCli) -> None:
    good = Path(__file__).parent / "packs" / "good.yaml"
    question = load_pack(good).pack.questions[0].id
    code, _, err = run_cli(["exercise", str(good), question, str(tmp_path / "x.py")])
    assert code == 2 and "not a code one" in err


@pytest.mark.torch
def test_grade_file_json_names_the_mistake_and_exits_zero(
    tmp_path: Path, run_cli: RunCli, warm_engine: WarmEngine
) -> None:
    solution = tmp_path / "sol.py"
    solution.write_text(SWAPPED, encoding="utf-8")
    code, out, err = run_cli(
        ["grade", str(CODE_PACK), "write-cfg", "--file", str(solution), "--json"]
    )
    assert code == 0, err
    result = json.loads(out)
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
def test_grade_reads_stdin_and_prints_a_row_per_case(
    run_cli: RunCli, warm_engine: WarmEngine
) -> None:
    code, out, err = run_cli(["grade", str(CODE_PACK), "write-cfg", "--file", "-"], stdin=RIGHT)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "correct: all 3 cases pass"
    assert sum(line.lstrip().startswith("✓") for line in lines) == 3


class Lines:
    """A child's output, line by line, read in a thread: each wait is for an event (a line
    the command prints), with a deadline, never a fixed sleep."""

    def __init__(self, stream: IO[str]) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._reader.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, text: str, timeout: float = 300.0) -> None:
        """Read until a line containing `text`; fail if the output ends or time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {text!r} within {timeout:g} s: {self.seen}") from None
            if line is None:
                self._queue.put(None)
                raise AssertionError(f"output ended before {text!r}: {self.seen}")
            self.seen.append(line)
            if text in line:
                return

    def everything(self) -> str:
        """All the output, once the child closed it."""
        self._reader.join(timeout=60)
        while (line := self._queue.get_nowait()) is not None:
            self.seen.append(line)
        return "".join(self.seen)


@pytest.mark.torch
@pytest.mark.slow
def test_exercise_writes_the_starter_and_regrades_on_save(
    tmp_path: Path, run_process: QuizappProcess
) -> None:
    """The smoke test of `exercise`: a real process, its own cold code server."""
    target = tmp_path / "cfg.py"
    process = run_process.popen("exercise", str(CODE_PACK), "write-cfg", str(target))
    assert process.stdout is not None and process.stderr is not None
    try:
        output = Lines(process.stdout)
        # Printed once the starter is written and its modification time noted: from here
        # on, a save (a new time or size) is graded.
        output.wait_for("It is graded each time you save it")
        assert target.read_text(encoding="utf-8").startswith("def guide(")
        target.write_text(SWAPPED, encoding="utf-8")
        output.wait_for("Waiting for you to save")
        target.write_text(RIGHT, encoding="utf-8")
        process.wait(timeout=600)
        stdout, stderr = output.everything(), process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr
    assert "wrong: 0 of 3 cases pass; looks like swapped_guidance" in stdout
    assert "correct: all 3 cases pass" in stdout
    assert "Reference solution:" in stdout
    assert "Starting the code runner" in stdout  # the first grade, on a cold runner


@pytest.mark.torch
def test_exercise_never_overwrites_an_existing_file(
    tmp_path: Path, run_cli: RunCli, warm_engine: WarmEngine
) -> None:
    target = tmp_path / "mine.py"
    target.write_text(RIGHT, encoding="utf-8")
    code, out, err = run_cli(["exercise", str(CODE_PACK), "write-cfg", str(target)])
    assert code == 0, err
    assert target.read_text(encoding="utf-8") == RIGHT
    assert "Kept your existing file." in out
    # The pass is a review, as a submission in the TUI. (The runner is warm here: the
    # smoke test above sees the first grade say that it waits for a cold one.)
    assert "recorded as" in out and "Next: quizapp exercise" in out
    with Store.open(locations.db_path()) as store:
        [review] = store.reviews("code-tests", "write-cfg")
        assert review.correct is True and review.rating is not None and review.mode == "practice"
        assert store.card("code-tests", "write-cfg") is not None


@pytest.mark.torch
def test_check_runs_solution_starter_and_mistake_examples(
    run_cli: RunCli, warm_engine: WarmEngine
) -> None:
    code, out, err = run_cli(["check", str(CODE_PACK), "--json"])
    assert code == 0, out + err
    rows = {row["question"]: row for row in json.loads(out)}
    assert rows["write-cfg"]["ok"] is True
    assert rows["write-cfg"]["value"] == "solution 3/3, starter 0/3, mistakes 3/3 recognised"


@pytest.mark.torch
def test_check_fails_cases_that_cannot_show_a_mistake(
    tmp_path: Path, run_cli: RunCli, warm_engine: WarmEngine
) -> None:
    # With guidance 1.0 everywhere, guidance mistakes give the right answer.
    text = CODE_PACK.read_text(encoding="utf-8").replace(
        "      - {guidance_scale: 2.0, seed: 3}", "      - {guidance_scale: 1.0, seed: 3}"
    )
    pack = tmp_path / "weak.yaml"
    pack.write_text(text, encoding="utf-8")
    code, out, _ = run_cli(["check", str(pack)])
    assert code == 1
    assert "mistake text_only passes every case: the cases cannot show it" in out
