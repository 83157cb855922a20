"""`quizapp install`, `packs`, `uninstall`: a file, a folder, a git repo; all or nothing."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import RunCli

from quizapp import locations
from quizapp.store.db import Store

GOOD = Path(__file__).parent / "packs" / "good.yaml"
UI_PACK = Path(__file__).parent / "ui" / "packs" / "ui-basics.yaml"
NOT_A_LINK = "install takes the pack file itself, not a link"


def installed_files() -> list[str]:
    folder = locations.user_packs_dir()
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_install_a_file_then_list_it(run_cli: RunCli) -> None:
    code, out, err = run_cli(["install", str(GOOD)])
    assert code == 0, err
    assert out.startswith("installed test-good (version 1) into ")
    assert installed_files() == ["test-good.yaml"]
    code, out, _ = run_cli(["packs"])
    assert code == 0
    # One column for installed and bundled packs, as wide as the longest id.
    assert re.search(r"^test-good +v1   Test pack$", out, re.MULTILINE), out
    assert f"from {GOOD.resolve()} · installed " in out
    # The installed pack is loaded like any other.
    assert run_cli(["validate", "test-good"])[0] == 0


def test_install_a_folder(tmp_path: Path, run_cli: RunCli) -> None:
    shutil.copy(GOOD, tmp_path / "a.yaml")
    shutil.copy(UI_PACK, tmp_path / "b.yml")
    (tmp_path / "README.md").write_text("not a pack")
    code, out, err = run_cli(["install", str(tmp_path)])
    assert code == 0, err
    assert installed_files() == ["test-good.yaml", "ui-basics.yaml"]
    assert out.count("installed ") == 2


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_install_from_a_local_git_repo(tmp_path: Path, run_cli: RunCli) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(UI_PACK, repo / "ui-basics.yaml")
    git("init", "--quiet", cwd=repo)
    git("add", ".", cwd=repo)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "pack", cwd=repo)
    url = repo.as_uri()
    code, out, err = run_cli(["install", url])
    assert code == 0, err
    assert installed_files() == ["ui-basics.yaml"]
    code, out, _ = run_cli(["packs"])
    assert f"from {url} @ " in out


def test_collision_refused_unless_replace(tmp_path: Path, run_cli: RunCli) -> None:
    assert run_cli(["install", str(GOOD)])[0] == 0
    bumped = tmp_path / "good-v2.yaml"
    bumped.write_text(GOOD.read_text().replace("version: 1", "version: 2"))
    code, _, err = run_cli(["install", str(bumped)])
    assert code == 2
    assert err == (
        "quizapp: error: pack id 'test-good' is already installed (version 1); "
        "add --replace to replace it\n"
    )
    assert "version: 1" in (locations.user_packs_dir() / "test-good.yaml").read_text()
    code, out, _ = run_cli(["install", str(bumped), "--replace"])
    assert code == 0
    assert "installed test-good (version 1 → 2)" in out
    assert "version: 2" in (locations.user_packs_dir() / "test-good.yaml").read_text()


def test_a_bundled_id_cannot_be_replaced(run_cli: RunCli) -> None:
    bundled = locations.content_dir() / "denoising-step.yaml"
    code, _, err = run_cli(["install", str(bundled), "--replace"])
    assert code == 2
    assert "pack id 'denoising-step' is already loaded from" in err
    assert installed_files() == []


def test_bad_pack_refused_with_located_error_and_nothing_copied(
    tmp_path: Path, run_cli: RunCli
) -> None:
    shutil.copy(UI_PACK, tmp_path / "fine.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.read_text().replace("difficulty: 2", "difficulty: 8"))
    code, out, err = run_cli(["install", str(tmp_path)])
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
    tmp_path: Path, run_cli: RunCli
) -> None:
    source = tmp_path / "src"
    shutil.copytree(locations.models_dir() / "tiny-sd", source / "my-model")
    pack = Path(__file__).parent / "packs" / "probed" / "probed.yaml"
    text = pack.read_text().replace("model: none", "model: my-model", 1)
    (source / "probed.yaml").write_text(text)
    assert run_cli(["validate", str(source / "probed.yaml")])[0] == 0
    code, _, err = run_cli(["install", str(source / "probed.yaml")])
    assert code == 2
    assert f"{source / 'probed.yaml'}:17:14: question 'alpha-bar': unknown model 'my-model'" in err
    assert "once copied; nothing installed" in err
    assert installed_files() == []


def test_bad_sources_are_one_line(tmp_path: Path, run_cli: RunCli) -> None:
    code, _, err = run_cli(["install", str(tmp_path / "nope")])
    assert (code, err.count("\n")) == (2, 1)
    assert "no such file or folder, and not a git URL" in err
    (tmp_path / "notes.txt").write_text("x")
    assert "not a pack file" in run_cli(["install", str(tmp_path / "notes.txt")])[2]
    assert "no pack files" in run_cli(["install", str(tmp_path)])[2]
    code, _, err = run_cli(["install", (tmp_path / "missing-repo").as_uri()])
    assert code == 2 and "git clone failed" in err and err.count("\n") == 1


def test_uninstall_keeps_progress(run_cli: RunCli) -> None:
    assert run_cli(["install", str(GOOD)])[0] == 0
    with Store.open(locations.db_path()) as store:
        store.record_review(
            "test-good", "owner", "x", None, 3, 2.0, "practice", datetime(2026, 1, 1, tzinfo=UTC)
        )
    code, out, _ = run_cli(["uninstall", "test-good"])
    assert code == 0
    assert "uninstalled test-good" in out and "progress is kept" in out
    assert installed_files() == []
    with Store.open(locations.db_path()) as store:
        assert len(store.reviews()) == 1
    code, _, err = run_cli(["uninstall", "test-good"])
    assert code == 2 and "no installed pack 'test-good'" in err
    code, _, err = run_cli(["uninstall", "denoising-step"])
    assert code == 2 and "not installed: nothing to uninstall" in err
    listing = run_cli(["packs"])[1]
    assert "no installed pack" in listing
    # The bundled packs load too: listed, and said to be bundled.
    bundled = [line for line in listing.splitlines() if line.endswith("(bundled)")]
    assert len(bundled) == len(list(locations.content_dir().glob("*.yaml")))
    assert any(line.startswith("denoising-step ") for line in bundled)


def test_links_and_non_regular_files_are_refused(tmp_path: Path, run_cli: RunCli) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:SECRET-HASH:19000:0:99999:7:::\n")
    link = tmp_path / "x.yaml"
    link.symlink_to(secret)
    code, out, err = run_cli(["install", str(link)])
    assert (code, out) == (2, "")
    assert err == f"quizapp: error: {link} is a symbolic link; {NOT_A_LINK}\n"
    # In a folder beside a good pack, the link refuses the whole folder.
    folder = tmp_path / "packs"
    folder.mkdir()
    shutil.copy(GOOD, folder / "good.yaml")
    (folder / "shadow.yaml").symlink_to(secret)
    code, _, err = run_cli(["install", str(folder)])
    assert code == 2 and "shadow.yaml is a symbolic link" in err and "SECRET" not in err
    # A FIFO would block the loader forever: refused before anything opens it.
    (folder / "shadow.yaml").unlink()
    os.mkfifo(folder / "pipe.yaml")
    code, _, err = run_cli(["install", str(folder)])
    assert code == 2
    fifo = folder / "pipe.yaml"
    assert err == f"quizapp: error: {fifo} is not a regular file (a FIFO, device or socket)\n"
    assert installed_files() == []


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_link_in_a_git_repo_is_refused(tmp_path: Path, run_cli: RunCli) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(UI_PACK, repo / "ui-basics.yaml")
    (repo / "evil.yaml").symlink_to("/etc/passwd")
    git("init", "--quiet", cwd=repo)
    git("add", ".", cwd=repo)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "pack", cwd=repo)
    code, _, err = run_cli(["install", repo.as_uri()])
    assert code == 2
    assert err == f"quizapp: error: {repo.as_uri()}:evil.yaml is a symbolic link; {NOT_A_LINK}\n"
    assert installed_files() == []


@pytest.mark.parametrize("named", ["../victim.yaml", "{victim}", "sub/../../victim.yaml", ".."])
def test_uninstall_never_removes_a_path_outside_the_packs_folder(
    named: str, quizapp_home: Path, run_cli: RunCli
) -> None:
    assert run_cli(["install", str(GOOD)])[0] == 0
    victim = quizapp_home / "victim.yaml"
    victim.write_text("precious")
    manifest = locations.installed_manifest()
    entries = json.loads(manifest.read_text())
    entries["test-good"]["file"] = named.format(victim=victim)
    manifest.write_text(json.dumps(entries))
    # The installed file no longer loads, so uninstall goes by the manifest alone.
    (locations.user_packs_dir() / "test-good.yaml").unlink()
    code, _, err = run_cli(["uninstall", "test-good"])
    assert code == 2
    assert "which is not a pack file in" in err and "nothing removed" in err
    assert err.count("\n") == 1
    assert victim.read_text() == "precious"
