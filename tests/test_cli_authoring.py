"""`quizapp validate`, `schema`, `new` and the one-line user errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import RunCli

from quizapp.packs.schema import pack_schema

GOOD = Path(__file__).parent / "packs" / "good.yaml"


def test_validate_clean_file(run_cli: RunCli) -> None:
    code, out, err = run_cli(["validate", str(GOOD)])
    assert code == 0
    assert out == ""
    assert "ok: 1 pack(s), 3 question(s)" in err


def test_validate_folder_with_errors(tmp_path: Path, run_cli: RunCli) -> None:
    shutil.copy(GOOD, tmp_path / "good.yaml")
    (tmp_path / "bad.yaml").write_text(
        GOOD.read_text().replace("test-good", "x").replace("difficulty: 2", "difficulty: 8")
    )
    (tmp_path / "notes.txt").write_text("not a pack")
    code, out, _ = run_cli(["validate", str(tmp_path)])
    assert code == 1
    assert out.splitlines() == [
        f"{tmp_path / 'bad.yaml'}:27:17: question 'noise-pred': difficulty: "
        "Input should be less than or equal to 5"
    ]


def test_validate_default_loads_every_pack_folder(tmp_path: Path, run_cli: RunCli) -> None:
    shutil.copy(GOOD, tmp_path / "good.yaml")
    code, _, err = run_cli(["--packs", str(tmp_path), "validate"])
    assert code == 0, err
    assert "ok:" in err


def test_missing_path_is_a_user_error(run_cli: RunCli) -> None:
    code, _, err = run_cli(["validate", "/no/such/pack.yaml"])
    assert code == 2
    assert err == "quizapp: error: no such file, folder or pack id: /no/such/pack.yaml\n"


def test_missing_packs_folder_is_a_user_error(run_cli: RunCli) -> None:
    code, _, err = run_cli(["--packs", "/no/such/dir", "validate"])
    assert code == 2
    assert err.count("\n") == 1 and "--packs /no/such/dir: no such folder" in err


def test_unknown_command_is_one_line(run_cli: RunCli) -> None:
    code, _, err = run_cli(["frobnicate"])
    assert code == 2
    assert err.count("\n") == 1 and "No such command 'frobnicate'" in err


def test_schema_prints_the_json_schema(run_cli: RunCli) -> None:
    code, out, _ = run_cli(["schema"])
    assert code == 0
    assert json.loads(out) == json.loads(json.dumps(pack_schema()))


def test_new_writes_a_valid_pack_and_never_overwrites(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(["new", "my-pack"])
    assert code == 0 and "wrote my-pack.yaml" in out
    # The same story as the README's "Writing a pack": preview, then check.
    assert "`quizapp preview my-pack.yaml`" in out and "`quizapp check my-pack.yaml`" in out
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "quizapp preview my-pack.yaml" in readme and "quizapp check my-pack.yaml" in readme
    written = (tmp_path / "my-pack.yaml").read_text()
    code, _, err = run_cli(["validate", "my-pack.yaml"])
    assert code == 0, err
    code, _, err = run_cli(["new", "my-pack"])
    assert code == 2 and "already exists" in err
    assert (tmp_path / "my-pack.yaml").read_text() == written


def test_new_rejects_a_bad_id(tmp_path: Path, run_cli: RunCli) -> None:
    code, _, err = run_cli(["new", "My Pack"])
    assert code == 2 and "invalid pack id 'My Pack'" in err


def test_help_on_each_command(run_cli: RunCli) -> None:
    for command in (["--help"], ["validate", "--help"], ["schema", "--help"], ["new", "--help"]):
        code, out, err = run_cli(command)
        assert code == 0, err
        assert "Usage:" in out


def test_validate_takes_a_loaded_pack_id_with_coverage(tmp_path: Path, run_cli: RunCli) -> None:
    shutil.copy(GOOD, tmp_path / "good.yaml")
    code, out, err = run_cli(["--packs", str(tmp_path), "validate", "--coverage", "test-good"])
    assert code == 0, err
    assert "ok: 1 pack(s), 3 question(s)" in err
    assert "model-vs-scheduler" in out and "not-pixels" in out


def test_user_packs_folder_in_the_data_dir_is_loaded(quizapp_home: Path, run_cli: RunCli) -> None:
    (quizapp_home / "packs").mkdir()
    shutil.copy(GOOD, quizapp_home / "packs" / "mine.yaml")
    code, out, err = run_cli(["validate", "--coverage", "test-good"])
    assert code == 0, err
    assert out.startswith("test-good: 2 objective(s)")
