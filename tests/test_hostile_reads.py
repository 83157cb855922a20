"""Every answer read is bounded: a device, an endless pipe or a huge file is one line.

`grade --file /dev/zero` once read 24 GB until the kernel killed it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli_study import run

from quizapp.boundedread import MAX_ANSWER_BYTES, UnreadableAnswer, read_answer_file

GOOD = Path(__file__).parent / "packs" / "good.yaml"
TOO_BIG = f"holds over {MAX_ANSWER_BYTES} bytes, the most an answer may be"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_grade_file_dev_zero_stops_at_the_cap(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["grade", str(GOOD), "owner", "--file", "/dev/zero"], capsys)
    assert (code, out) == (2, "")
    assert err == f"quizapp: error: /dev/zero {TOO_BIG}\n"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_stdin_stops_at_the_cap(quizapp_home: Path) -> None:
    with open("/dev/zero", "rb") as endless:
        done = subprocess.run(
            [sys.executable, "-m", "quizapp", "grade", str(GOOD), "owner", "--file", "-"],
            stdin=endless,
            capture_output=True,
            text=True,
            env={**os.environ, "QUIZAPP_HOME": str(quizapp_home)},
            timeout=120,
        )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"quizapp: error: stdin {TOO_BIG}\n"


def test_bad_answer_files_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(MAX_ANSWER_BYTES * 64)  # sparse: 64 MiB of zeros, on no disk
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"sched\xffuler")
    cases = {
        str(huge): f"{huge} {TOO_BIG}",
        str(binary): f"cannot read {binary}: not UTF-8 text (byte 0xff at offset 5)",
        str(tmp_path): f"cannot read {tmp_path}: Is a directory",
        str(tmp_path / "nope"): f"no such file: {tmp_path / 'nope'}",
    }
    for name, message in cases.items():
        code, out, err = run(["grade", str(GOOD), "owner", "--file", name], capsys)
        assert (code, out, err) == (2, "", f"quizapp: error: {message}\n")


def test_an_answer_at_the_cap_is_read_whole(tmp_path: Path) -> None:
    exact = tmp_path / "exact.py"
    exact.write_text("#" * MAX_ANSWER_BYTES)
    assert len(read_answer_file(str(exact))) == MAX_ANSWER_BYTES
    exact.write_text("#" * (MAX_ANSWER_BYTES + 1))
    with pytest.raises(UnreadableAnswer, match="holds over"):
        read_answer_file(str(exact))
