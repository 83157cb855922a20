"""`quizapp install`, `packs`, `uninstall`: a file, a folder, a git repo; all or nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from quizapp import locations
from quizapp.cli import main
from quizapp.store.db import Store

GOOD = Path(__file__).parent / "packs" / "good.yaml"
UI_PACK = Path(__file__).parent / "ui" / "packs" / "ui-basics.yaml"
NOT_A_LINK = "install takes the pack file itself, not a link"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(argv)
    out, err = capsys.readouterr()
    code = done.value.code
    return (code if isinstance(code, int) else 1), out, err


def installed_files() -> list[str]:
    folder = locations.user_packs_dir()
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_install_a_file_then_list_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["install", str(GOOD)], capsys)
    assert code == 0, err
    assert out.startswith("installed test-good (version 1) into ")
    assert installed_files() == ["test-good.yaml"]
    code, out, _ = run(["packs"], capsys)
    assert code == 0
    assert "test-good  v1   Test pack" in out
    assert f"from {GOOD.resolve()} · installed " in out
    # The installed pack is loaded like any other.
    assert run(["validate", "test-good"], capsys)[0] == 0


def test_install_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(GOOD, tmp_path / "a.yaml")
    shutil.copy(UI_PACK, tmp_path / "b.yml")
    (tmp_path / "README.md").write_text("not a pack")
    code, out, err = run(["install", str(tmp_path)], capsys)
    assert code == 0, err
    assert installed_files() == ["test-good.yaml", "ui-basics.yaml"]
    assert out.count("installed ") == 2


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_install_from_a_local_git_repo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(UI_PACK, repo / "ui-basics.yaml")
    git("init", "--quiet", cwd=repo)
    git("add", ".", cwd=repo)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "pack", cwd=repo)
    url = repo.as_uri()
    code, out, err = run(["install", url], capsys)
    assert code == 0, err
    assert installed_files() == ["ui-basics.yaml"]
    code, out, _ = run(["packs"], capsys)
    assert f"from {url} @ " in out


def test_collision_refused_unless_replace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["install", str(GOOD)], capsys)[0] == 0
    bumped = tmp_path / "good-v2.yaml"
    bumped.write_text(GOOD.read_text().replace("version: 1", "version: 2"))
    code, _, err = run(["install", str(bumped)], capsys)
    assert code == 2
    assert err == (
        "quizapp: error: pack id 'test-good' is already installed (version 1); "
        "add --replace to replace it\n"
    )
    assert "version: 1" in (locations.user_packs_dir() / "test-good.yaml").read_text()
    code, out, _ = run(["install", str(bumped), "--replace"], capsys)
    assert code == 0
    assert "installed test-good (version 1 → 2)" in out
    assert "version: 2" in (locations.user_packs_dir() / "test-good.yaml").read_text()


def test_a_bundled_id_cannot_be_replaced(capsys: pytest.CaptureFixture[str]) -> None:
    bundled = locations.content_dir() / "denoising-step.yaml"
    code, _, err = run(["install", str(bundled), "--replace"], capsys)
    assert code == 2
    assert "pack id 'denoising-step' is already loaded from" in err
    assert installed_files() == []


def test_bad_pack_refused_with_located_error_and_nothing_copied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(UI_PACK, tmp_path / "fine.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.read_text().replace("difficulty: 2", "difficulty: 8"))
    code, out, err = run(["install", str(tmp_path)], capsys)
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert lines[0] == (
        f"{bad}:27:17: question 'noise-pred': difficulty: Input should be less than or equal to 5"
    )
    assert lines[-1] == f"quizapp: error: {tmp_path.resolve()}: 1 error(s); nothing installed"
    # Not even the valid pack of the same folder.
    assert installed_files() == []
    assert not locations.installed_manifest().exists()


def test_a_relative_model_that_breaks_once_copied_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "src"
    shutil.copytree(locations.models_dir() / "tiny-sd", source / "my-model")
    pack = Path(__file__).parent / "packs" / "probed" / "probed.yaml"
    text = pack.read_text().replace("model: none", "model: my-model", 1)
    (source / "probed.yaml").write_text(text)
    assert run(["validate", str(source / "probed.yaml")], capsys)[0] == 0
    code, _, err = run(["install", str(source / "probed.yaml")], capsys)
    assert code == 2
    assert f"{source / 'probed.yaml'}:17:14: question 'alpha-bar': unknown model 'my-model'" in err
    assert "once copied; nothing installed" in err
    assert installed_files() == []


def test_bad_sources_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["install", str(tmp_path / "nope")], capsys)
    assert (code, err.count("\n")) == (2, 1)
    assert "no such file or folder, and not a git URL" in err
    (tmp_path / "notes.txt").write_text("x")
    assert "not a pack file" in run(["install", str(tmp_path / "notes.txt")], capsys)[2]
    assert "no pack files" in run(["install", str(tmp_path)], capsys)[2]
    code, _, err = run(["install", (tmp_path / "missing-repo").as_uri()], capsys)
    assert code == 2 and "git clone failed" in err and err.count("\n") == 1


def test_uninstall_keeps_progress(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["install", str(GOOD)], capsys)[0] == 0
    with Store.open(locations.db_path()) as store:
        store.record_review(
            "test-good", "owner", "x", None, 3, 2.0, "practice", datetime(2026, 1, 1, tzinfo=UTC)
        )
    code, out, _ = run(["uninstall", "test-good"], capsys)
    assert code == 0
    assert "uninstalled test-good" in out and "progress is kept" in out
    assert installed_files() == []
    with Store.open(locations.db_path()) as store:
        assert len(store.reviews()) == 1
    code, _, err = run(["uninstall", "test-good"], capsys)
    assert code == 2 and "no installed pack 'test-good'" in err
    code, _, err = run(["uninstall", "denoising-step"], capsys)
    assert code == 2 and "not installed: nothing to uninstall" in err
    assert "no installed pack" in run(["packs"], capsys)[1]


def test_links_and_non_regular_files_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:SECRET-HASH:19000:0:99999:7:::\n")
    link = tmp_path / "x.yaml"
    link.symlink_to(secret)
    code, out, err = run(["install", str(link)], capsys)
    assert (code, out) == (2, "")
    assert err == f"quizapp: error: {link} is a symbolic link; {NOT_A_LINK}\n"
    # In a folder beside a good pack, the link refuses the whole folder.
    folder = tmp_path / "packs"
    folder.mkdir()
    shutil.copy(GOOD, folder / "good.yaml")
    (folder / "shadow.yaml").symlink_to(secret)
    code, _, err = run(["install", str(folder)], capsys)
    assert code == 2 and "shadow.yaml is a symbolic link" in err and "SECRET" not in err
    # A FIFO would block the loader forever: refused before anything opens it.
    (folder / "shadow.yaml").unlink()
    os.mkfifo(folder / "pipe.yaml")
    code, _, err = run(["install", str(folder)], capsys)
    assert code == 2
    fifo = folder / "pipe.yaml"
    assert err == f"quizapp: error: {fifo} is not a regular file (a FIFO, device or socket)\n"
    assert installed_files() == []


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_link_in_a_git_repo_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(UI_PACK, repo / "ui-basics.yaml")
    (repo / "evil.yaml").symlink_to("/etc/passwd")
    git("init", "--quiet", cwd=repo)
    git("add", ".", cwd=repo)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "pack", cwd=repo)
    code, _, err = run(["install", repo.as_uri()], capsys)
    assert code == 2
    assert err == f"quizapp: error: {repo.as_uri()}:evil.yaml is a symbolic link; {NOT_A_LINK}\n"
    assert installed_files() == []


@pytest.mark.parametrize("named", ["../victim.yaml", "{victim}", "sub/../../victim.yaml", ".."])
def test_uninstall_never_removes_a_path_outside_the_packs_folder(
    named: str, quizapp_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["install", str(GOOD)], capsys)[0] == 0
    victim = quizapp_home / "victim.yaml"
    victim.write_text("precious")
    manifest = locations.installed_manifest()
    entries = json.loads(manifest.read_text())
    entries["test-good"]["file"] = named.format(victim=victim)
    manifest.write_text(json.dumps(entries))
    # The installed file no longer loads, so uninstall goes by the manifest alone.
    (locations.user_packs_dir() / "test-good.yaml").unlink()
    code, _, err = run(["uninstall", "test-good"], capsys)
    assert code == 2
    assert "which is not a pack file in" in err and "nothing removed" in err
    assert err.count("\n") == 1
    assert victim.read_text() == "precious"
