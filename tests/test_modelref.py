"""`model:` paths are untrusted: only a diffusers-looking folder, only its own files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from quizapp import locations
from quizapp.grading.probekey import known_probe_key, model_digest, probe_key
from quizapp.packs.modelref import ModelNotFound, resolve_model
from quizapp.packs.models import Probe


def tiny_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(locations.models_dir() / "tiny-sd", folder)
    return folder


@pytest.mark.parametrize("model", ["/proc/self", "/", "~", "/dev", "/tmp"])
def test_folders_that_are_not_models_are_refused(model: str) -> None:
    with pytest.raises(ModelNotFound, match="not a diffusers model folder"):
        resolve_model(model)


@pytest.mark.parametrize(
    "model",
    ["/dev/null", "/etc/passwd", "x" * 5000, "a\x00b", "~nosuchuser"],
    ids=["device", "file", "long", "nul", "no-user"],
)
def test_paths_that_are_not_folders_are_refused(model: str) -> None:
    with pytest.raises(ModelNotFound, match=r"does not exist|no such folder") as raised:
        resolve_model(model)
    assert len(str(raised.value)) < 200


def test_a_model_folder_is_accepted(tmp_path: Path) -> None:
    folder = tiny_copy(tmp_path)
    assert resolve_model("model", tmp_path) == folder.resolve()


def test_a_special_file_in_the_model_is_refused(tmp_path: Path) -> None:
    folder = tiny_copy(tmp_path)
    config = folder / "unet" / "config.json"
    config.unlink()
    os.mkfifo(config)
    with pytest.raises(ModelNotFound, match="not a regular file"):
        resolve_model(str(folder))


def test_a_link_out_of_the_model_is_refused(tmp_path: Path) -> None:
    folder = tiny_copy(tmp_path)
    outside = tmp_path / "secret.json"
    outside.write_text("{}")
    (folder / "model_index.json").unlink()
    (folder / "model_index.json").symlink_to(outside)
    with pytest.raises(ModelNotFound, match="link out of the model folder"):
        resolve_model(str(folder))


def test_a_link_inside_the_model_is_fine(tmp_path: Path) -> None:
    folder = tiny_copy(tmp_path)
    (folder / "index-copy.json").write_text((folder / "model_index.json").read_text())
    (folder / "model_index.json").unlink()
    (folder / "model_index.json").symlink_to(folder / "index-copy.json")
    assert resolve_model(str(folder)) == folder.resolve()


def test_digest_reads_only_the_model_files(tmp_path: Path) -> None:
    folder = tiny_copy(tmp_path)
    before = model_digest(folder)
    # An unreadable FIFO beside the model would hang a reader: it is never opened.
    os.mkfifo(folder / "pipe")
    (folder / "big").write_bytes(b"\0" * 1000)
    assert model_digest(folder) == before


def test_the_ui_side_key_never_hashes(tmp_path: Path) -> None:
    folder = tiny_copy(tmp_path)
    probe = Probe(scheduler="DDIMScheduler", observe="timesteps", model=str(folder))
    assert known_probe_key(probe, folder) is None  # never digested: no file work, no key
    key = probe_key(probe, folder)
    assert known_probe_key(probe, folder) == key
    assert known_probe_key(probe.model_copy(update={"model": "none"}), None) is not None
