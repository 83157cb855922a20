"""Cache keys: stable for equal inputs, different whenever the value could differ."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from quizapp import locations
from quizapp.grading.probekey import model_digest, probe_key
from quizapp.packs.models import Probe

PROBE = Probe(scheduler="DDIMScheduler", observe="timesteps")


def copy_of_tiny_sd(tmp_path: Path) -> Path:
    folder = tmp_path / "tiny-sd"
    shutil.copytree(locations.models_dir() / "tiny-sd", folder)
    return folder


def test_none_model_digest() -> None:
    assert model_digest(None) == "none"


def test_key_is_stable_and_ignores_how_defaults_were_written(tmp_path: Path) -> None:
    model = copy_of_tiny_sd(tmp_path)
    explicit = Probe(scheduler="DDIMScheduler", observe="timesteps", num_inference_steps=50)
    assert probe_key(PROBE, model) == probe_key(explicit, model)
    assert len(probe_key(PROBE, model)) == 64


def test_key_changes_with_the_probe() -> None:
    other = PROBE.model_copy(update={"num_inference_steps": 10})
    assert probe_key(PROBE, None) != probe_key(other, None)


def test_digest_follows_content_and_names(tmp_path: Path) -> None:
    model = copy_of_tiny_sd(tmp_path)
    before = model_digest(model)
    assert model_digest(copy_of_tiny_sd(tmp_path / "again")) == before  # location-independent
    config = model / "scheduler" / "scheduler_config.json"
    stat = config.stat()
    config.write_text(config.read_text().replace("0.012", "0.02"))
    os.utime(config, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    changed = model_digest(model)
    assert changed != before
    # Only the model's own files count: a stray file in the folder is never read.
    (model / "extra.txt").write_text("")
    assert model_digest(model) == changed
    (model / "model_index.json").write_text("{}")
    assert model_digest(model) != changed
