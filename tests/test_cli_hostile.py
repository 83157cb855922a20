"""Every command with hostile arguments: one clear line or a result, never a traceback.

Run in-process through `cli.main` (the console script's entry point), so a traceback would
show up as "crashed" (the crash handler) and fail the test just the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RunCli

HERE = Path(__file__).parent
GOOD = (HERE / "packs" / "good.yaml").read_text()
LONG = "x" * 5000
CONTROL = "\x1b]0;TITLE\x07\x1b[2J\x1b[31m"


@pytest.fixture
def hostile_dir(tmp_path: Path) -> Path:
    """Paths to feed commands: a FIFO, a folder of broken packs, a bad pack file."""
    os.mkfifo(tmp_path / "pipe.yaml")
    packs = tmp_path / "packs"
    packs.mkdir()
    (packs / "bad.yaml").write_text(GOOD.replace("version: 1", "version: !!bool maybe"))
    (packs / "ctl.yaml").write_text(
        GOOD.replace("test-good", "ctl").replace(
            "answer: The scheduler.", 'answer: "\\e]0;TITLE\\a\\e[2J"'
        )
    )
    os.mkfifo(packs / "fifo.yaml")
    (tmp_path / "bad.yaml").write_text(GOOD.replace("version: 1", "version: " + "9" * 4400))
    return tmp_path


def cases(d: Path) -> list[list[str]]:
    fifo, packs, bad = str(d / "pipe.yaml"), str(d / "packs"), str(d / "bad.yaml")
    return [
        ["--packs", "/nonexistent"],
        ["--packs", "/dev/null", "stats"],
        ["--packs", packs, "stats"],
        ["--packs", packs, "stats", "--json"],
        ["--packs", packs, "grade", "denoising-step", "model-input-is-xt", "anything"],
        ["--packs", packs, "validate"],
        ["--packs", packs],
        ["practice", "--pack", LONG],
        ["practice", "--new", "-1"],
        ["practice", "--new", "99999999999999999999"],
        ["practice", "--topic", CONTROL],
        ["mock", "--minutes", "nan"],
        ["mock", "--minutes", "inf"],
        ["mock", "--minutes", "1e308"],
        ["mock", "--minutes", "-0"],
        ["mock", "--minutes", "abc"],
        ["mock", "--questions", "0"],
        ["mock", "--questions", "99999999999999999999"],
        ["mock", "--seed", "1" * 400],
        ["mock", "--pack", CONTROL],
        ["validate", "/dev/zero"],
        ["validate", fifo],
        ["validate", bad],
        ["validate", packs],
        ["validate", LONG],
        ["validate", CONTROL],
        ["check", "/dev/zero"],
        ["check", fifo, "--json"],
        ["check", bad],
        ["grade", LONG, "q", "a"],
        ["grade", fifo, "q", "a"],
        ["grade", bad, "q", "a"],
        ["grade", "/dev/zero", "q", "a"],
        ["grade", "denoising-step", LONG, "a"],
        ["grade", "denoising-step", "model-input-is-xt", "-6.77"],
        ["grade", "denoising-step", "model-input-is-xt", "--", "--json"],
        ["grade", "denoising-step", "model-input-is-xt", CONTROL, "--json"],
        ["grade", "denoising-step", "noise-pred-attribute", "x" * 100_000],
        ["grade", "denoising-step", "noise-pred-attribute", ""],
        ["grade", "denoising-step", "noise-pred-attribute", "\udcff\udcfe"],
        ["grade", str(HERE / "packs" / "good.yaml"), "shape", "-1x-4"],
        ["schema", "extra"],
        ["new", "x" * 300],
        ["new", "../escape"],
        ["new", ""],
        ["new", CONTROL],
        ["new", "-"],
        ["preview", "/dev/zero"],
        ["preview", fifo],
        ["preview", str(d)],
        ["preview", LONG],
        ["preview", bad],
        ["report", "99999999999999999999999"],
        ["report", "-1"],
        ["report", "0"],
        ["report", "abc"],
        ["report"],
        ["stats", "--json", "extra"],
        ["no-such-command"],
        ["--version"],
        ["--help"],
    ]


def terminal_safe(text: str) -> bool:
    return not any(
        (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F or 0xD800 <= ord(c) <= 0xDFFF
        for c in text
    )


def test_every_command_with_hostile_arguments(hostile_dir: Path, run_cli: RunCli) -> None:
    failures = []
    for args in cases(hostile_dir):
        code, out, err = run_cli(args)
        shown = [a[:30] for a in args]
        if "Traceback" in out + err or "crashed" in err:
            failures.append(f"{shown}: crashed: {err[-300:]}")
        elif code not in (0, 1, 2):
            failures.append(f"{shown}: exit {code}")
        elif not (terminal_safe(out) and terminal_safe(err)):
            failures.append(f"{shown}: control codes in the output")
        elif code == 2 and len(err.strip().splitlines()) != 1:
            failures.append(f"{shown}: not one line: {err!r}")
    assert not failures, "\n".join(failures)


def test_new_into_an_unwritable_folder_is_one_line(
    monkeypatch: pytest.MonkeyPatch, run_cli: RunCli
) -> None:
    monkeypatch.chdir("/proc")
    code, _, err = run_cli(["new", "my-pack"])
    assert code == 2 and err.startswith("quizapp: error: cannot write") and err.count("\n") == 1


def test_a_bad_pack_does_not_stop_other_commands(hostile_dir: Path, run_cli: RunCli) -> None:
    code, out, err = run_cli(["--packs", str(hostile_dir / "packs"), "stats", "--json"])
    assert code == 0 and '"reviews"' in out
    skipped = [line for line in err.splitlines() if line.startswith("quizapp: skipped:")]
    assert len(skipped) == 3  # one line per broken pack
    assert any("bad.yaml:5:12: 'maybe' is not a valid boolean" in line for line in skipped)


def test_negative_numbers_are_answers(run_cli: RunCli) -> None:
    code, out, _ = run_cli(["grade", "--json", str(HERE / "packs" / "good.yaml"), "shape", "-6.77"])
    assert code in (0, 2)
    assert "no such option" not in out


@pytest.mark.parametrize("stdin", ["devnull", "closed"])
@pytest.mark.parametrize(
    "command", [[], ["practice"], ["preview", str(HERE / "packs" / "good.yaml")]]
)
def test_the_app_without_a_terminal_is_one_line_exit_2(stdin: str, command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "quizapp", *command],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        # `quizapp <&-`: the child starts with no descriptor 0 at all.
        preexec_fn=(lambda: os.close(0)) if stdin == "closed" else None,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1
    assert "needs an interactive terminal" in result.stderr
