"""`check` and `grade --variant` on a family, as a user runs them (real worker, no networks)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RunCli, WarmEngine

DPM = Path(__file__).parent / "packs" / "families-cli" / "dpm.yaml"
VARIANT = ["--variant", "latents.fill=1.0", "--variant", "num_inference_steps=10"]


@pytest.mark.torch
def test_check_prints_one_line_per_family_and_json_rows_per_variant(
    run_cli: RunCli, warm_engine: WarmEngine
) -> None:
    code, out, err = run_cli(["check", str(DPM)])
    assert code == 0, out + err
    assert "ok    families-cli/dpm-first-step  prev_sample[0,0,0,0]: 4 variants" in out
    rows = json.loads(run_cli(["check", str(DPM), "--json"])[1])
    assert [row["variant"] for row in rows] == [
        {"latents.fill": 1.0, "num_inference_steps": 10},
        {"latents.fill": 1.0, "num_inference_steps": 20},
        {"latents.fill": 2.0, "num_inference_steps": 10},
        {"latents.fill": 2.0, "num_inference_steps": 20},
    ]
    assert rows[0]["expect"] == pytest.approx(1.805624) and rows[1]["expect"] is None
    assert all(row["ok"] for row in rows)
    assert len({round(row["value"], 4) for row in rows}) == 4


@pytest.mark.torch
def test_check_fails_where_an_example_differs(
    tmp_path: Path, run_cli: RunCli, warm_engine: WarmEngine
) -> None:
    pack = tmp_path / "dpm.yaml"
    pack.write_text(DPM.read_text().replace("expect: 1.80562424659729", "expect: 1.5"))
    code, out, _ = run_cli(["check", str(pack)])
    assert code == 1
    assert "4 variants, 1 failed" in out
    assert "[latents.fill=1.0, num_inference_steps=10] expect 1.5 but the probe computed" in out


@pytest.mark.torch
def test_grade_one_variant_names_the_computed_trap(
    run_cli: RunCli, warm_engine: WarmEngine
) -> None:
    code, out, err = run_cli(["grade", str(DPM), "dpm-first-step", "1.806", *VARIANT, "--json"])
    assert code == 0, err
    result = json.loads(out)
    assert result["correct"] is True
    assert result["trace"][0] == "variant: latents.fill=1.0, num_inference_steps=10"
    # 0.885819 is what the loop computes when it passes the index i instead of t.
    trapped = json.loads(
        run_cli(["grade", str(DPM), "dpm-first-step", "0.8858", *VARIANT, "--json"])[1]
    )
    assert trapped["correct"] is False and trapped["trap"] == "index_as_timestep"
    text = run_cli(["grade", str(DPM), "dpm-first-step", "0.8858", *VARIANT])[1]
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
def test_grade_needs_every_vary_key(variant: list[str], message: str, run_cli: RunCli) -> None:
    code, _, err = run_cli(["grade", str(DPM), "dpm-first-step", "1.8", *variant])
    assert code == 2
    assert message in err and "Traceback" not in err
