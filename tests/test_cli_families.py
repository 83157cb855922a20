"""`check` and `grade --variant` on a family, as a user runs them (real worker, no networks)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DPM = Path(__file__).parent / "packs" / "families-cli" / "dpm.yaml"
VARIANT = ["--variant", "latents.fill=1.0", "--variant", "num_inference_steps=10"]


def quizapp(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quizapp", *args], capture_output=True, text=True, timeout=300
    )


def test_check_prints_one_line_per_family_and_json_rows_per_variant() -> None:
    out = quizapp("check", str(DPM))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ok    families-cli/dpm-first-step  prev_sample[0,0,0,0]: 4 variants" in out.stdout
    rows = json.loads(quizapp("check", str(DPM), "--json").stdout)
    assert [row["variant"] for row in rows] == [
        {"latents.fill": 1.0, "num_inference_steps": 10},
        {"latents.fill": 1.0, "num_inference_steps": 20},
        {"latents.fill": 2.0, "num_inference_steps": 10},
        {"latents.fill": 2.0, "num_inference_steps": 20},
    ]
    assert rows[0]["expect"] == pytest.approx(1.805624) and rows[1]["expect"] is None
    assert all(row["ok"] for row in rows)
    assert len({round(row["value"], 4) for row in rows}) == 4


def test_check_fails_where_an_example_differs(tmp_path: Path) -> None:
    pack = tmp_path / "dpm.yaml"
    pack.write_text(DPM.read_text().replace("expect: 1.80562424659729", "expect: 1.5"))
    out = quizapp("check", str(pack))
    assert out.returncode == 1
    assert "4 variants, 1 failed" in out.stdout
    assert "[latents.fill=1.0, num_inference_steps=10] expect 1.5 but the probe computed" in (
        out.stdout
    )


def test_grade_one_variant_names_the_computed_trap() -> None:
    out = quizapp("grade", str(DPM), "dpm-first-step", "1.806", *VARIANT, "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["correct"] is True
    assert result["trace"][0] == "variant: latents.fill=1.0, num_inference_steps=10"
    # 0.885819 is what the loop computes when it passes the index i instead of t.
    trapped = json.loads(
        quizapp("grade", str(DPM), "dpm-first-step", "0.8858", *VARIANT, "--json").stdout
    )
    assert trapped["correct"] is False and trapped["trap"] == "index_as_timestep"
    text = quizapp("grade", str(DPM), "dpm-first-step", "0.8858", *VARIANT).stdout
    assert "trap (index_as_timestep): That passes the loop index i instead of t." in text


@pytest.mark.parametrize(
    ("variant", "message"),
    [
        ([], "is a family: pass --variant latents.fill=…, num_inference_steps=…"),
        (["--variant", "latents.fill=1.0"], "missing: num_inference_steps"),
        ([*VARIANT[:2], "--variant", "num_inference_steps=7"], "is not one of the listed values"),
        ([*VARIANT, "--variant", "seed=1"], "'seed' is not a vary key"),
    ],
)
def test_grade_needs_every_vary_key(variant: list[str], message: str) -> None:
    out = quizapp("grade", str(DPM), "dpm-first-step", "1.8", *variant)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr
