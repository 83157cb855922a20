"""Probes over the model families: validation refuses what a family does not take (at
file:line:col), and the example pack in tests/packs/model-families/ runs end to end."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from quizapp.packs.errors import PackLoadError
from quizapp.packs.loader import load_pack

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "packs" / "model-families"


def errors_of(tmp_path: Path, probe: str, observe: str = "latents.shape") -> list[str]:
    body = textwrap.indent(textwrap.dedent(probe).strip(), " " * 6)
    text = f"""\
pack:
  id: bad-families
  title: Bad
questions:
  - id: q
    type: shape
    origin: mechanism
    topic: t
    difficulty: 1
    prompt: p
    probe:
      scheduler: FlowMatchEulerDiscreteScheduler
      observe: {observe}
{body}
"""
    path = tmp_path / "pack.yaml"
    path.write_text(text)
    with pytest.raises(PackLoadError) as caught:
        load_pack(path)
    return [str(error) for error in caught.value.errors]


@pytest.mark.parametrize(
    ("probe", "observe", "message"),
    [
        ("model: tiny-sdxl\nnum_frames: 17", "latents.shape", "15 num_frames is for wan"),
        ("model: tiny-sd3\ntrue_cfg_scale: 4.0", "latents.shape", "15 true_cfg_scale"),
        ("model: tiny-sd3", "img_ids.shape", "13 'img_ids.shape' exists for flux models"),
        ("model: tiny-flux", "time_ids", "13 'time_ids' exists for sdxl models"),
        ("model: tiny-sd\nmistake: unpacked_latents", "latents.shape", "15 unpacked_latents"),
        ("model: tiny-flux\ncontrolnet: tiny-controlnet", "latents.shape", "15 a ControlNet"),
        ("model: tiny-sd\ncontrolnet: tiny-sd3", "latents.shape", "15 is not a ControlNet folder"),
        ("model: tiny-wan", "image.shape", "13 'image.shape' exists for"),
        ("model: tiny-sdxl\nlatent_shape: [1, 4, 2, 8, 8]", "latents.shape", "15 latent_shape is"),
        ("model: tiny-flux", "prev_sample[0,0,0,0]", "13 prev_sample has 3 dimensions"),
        ("model: tiny-wan", "prev_sample[0,0,0,0]", "13 prev_sample has 5 dimensions"),
    ],
)
def test_a_family_refuses_what_it_does_not_take(
    tmp_path: Path, probe: str, observe: str, message: str
) -> None:
    line, _, text = message.partition(" ")
    errors = errors_of(tmp_path, probe, observe)
    assert any(f"pack.yaml:{line}:" in error and text in error for error in errors), errors


def test_the_example_pack_validates() -> None:
    loaded = load_pack(EXAMPLE / "model-families.yaml")
    models = {q.probe.model for q in loaded.pack.questions if q.probe is not None}
    assert models == {"tiny-sdxl", "tiny-sd3", "tiny-flux", "tiny-sd", "tiny-wan"}


@pytest.mark.torch
def test_the_example_pack_checks_every_family_in_the_worker(quizapp_home: Path) -> None:
    pytest.importorskip("torch")
    env = {**os.environ, "QUIZAPP_HOME": str(quizapp_home)}
    result = subprocess.run(
        [sys.executable, "-m", "quizapp", "check", str(EXAMPLE)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "19 checked, 0 failed" in result.stderr


def test_the_probe_key_digests_the_controlnet(tmp_path: Path) -> None:
    import shutil

    from quizapp import locations
    from quizapp.grading.probekey import probe_key
    from quizapp.packs.models import Probe

    copy = tmp_path / "controlnet"
    shutil.copytree(locations.models_dir() / "tiny-controlnet", copy)
    probe = Probe(scheduler="DDIMScheduler", observe="prev_sample.mean", controlnet=str(copy))
    model = locations.models_dir() / "tiny-sd"
    before = probe_key(probe, model)
    assert before != probe_key(probe.model_copy(update={"controlnet": None}), model)
    weights = copy / "diffusion_pytorch_model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1
    weights.write_bytes(bytes(data))
    assert probe_key(probe, model) != before


def test_a_full_size_video_step_is_over_budget_but_its_shapes_are_not() -> None:
    from quizapp.packs.models import Probe
    from quizapp.packs.probebudget import budget_problem

    fields = {"model": "tiny-wan", "scheduler": "UniPCMultistepScheduler"}
    fields |= {"num_frames": 81, "height": 480, "width": 832, "observe": "latents.shape"}
    assert "num_frames" in (budget_problem(Probe.model_validate(fields)) or "")
    filled = Probe.model_validate({**fields, "noise_pred": {"fill": 0.0}})
    assert budget_problem(filled) is None
