"""The bundled content is found from a checkout and from an installed wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from quizapp import locations

ROOT = Path(__file__).resolve().parent.parent


def test_checkout_finds_content() -> None:
    assert locations.content_dir() == ROOT / "content"
    assert (locations.models_dir() / "tiny-sd" / "model_index.json").is_file()
    assert locations.schema_path().is_file()


@pytest.mark.slow
def test_wheel_carries_content_and_finds_it(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("quizapp-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "quizapp/_content/pack.schema.json" in names
    assert "quizapp/_content/denoising-step.yaml" in names
    assert "quizapp/_content/models/tiny-sd/unet/diffusion_pytorch_model.safetensors" in names
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = (
        "from quizapp import locations\n"
        "from quizapp.packs.registry import Registry\n"
        "print(locations.content_dir())\n"
        "registry = Registry.load([locations.content_dir()])\n"
        "print(len(registry), len(registry.errors))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    where, counts = out.stdout.splitlines()
    assert Path(where) == target / "quizapp" / "_content"
    packs, errors = (int(n) for n in counts.split())
    assert packs >= 1 and errors == 0
