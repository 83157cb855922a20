"""`quizapp check` verdicts end to end, without torch: probe results are pre-cached in the
store `check` reads (QUIZAPP_HOME is a temp dir), so no worker ever starts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RunCli

from quizapp import locations
from quizapp.grading.client import ProbeRunner
from quizapp.grading.probekey import probe_key
from quizapp.packs.loader import load_pack
from quizapp.store.db import Store

PACKS = Path(__file__).parent / "packs"
ALPHA = 0.27633246779441833

HEADER = """\
pack:
  id: verdicts
  title: Verdicts
questions:
"""

ALPHA_QUESTION = """\
  - id: alpha-bar
    type: numeric
    origin: mechanism
    topic: betas
    difficulty: 2
    prompt: alphas_cumprod[500] under SD's betas?
    probe:
      model: none
      scheduler: DDPMScheduler
      scheduler_config: {beta_schedule: scaled_linear, beta_start: 0.00085, beta_end: 0.012}
      noise_pred: {fill: 0.0}
      latent_shape: [1, 4, 8, 8]
      observe: alphas_cumprod[500]
"""


@pytest.fixture(autouse=True)
def no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every probe here is cached: starting the reference worker would be a bug."""

    def refuse(*args: object) -> None:
        raise AssertionError("check started the reference worker")

    monkeypatch.setattr(ProbeRunner, "start", refuse)
    monkeypatch.setattr(ProbeRunner, "run", refuse)


def precompute(path: Path, value: object = ALPHA) -> None:
    """Put `value` in the store's cache for every probe of the pack at `path`."""
    with Store.open(locations.db_path()) as store:
        for question in load_pack(path).pack.questions:
            probe = getattr(question, "probe", None)
            if probe is not None:
                result = "ValueError" if probe.observe == "raises" else value
                store.cache_put(probe_key(probe, None), json.dumps(result), json.dumps(["cached"]))


def write_pack(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "verdicts.yaml"
    path.write_text(HEADER + body)
    return path


def test_sound_question_passes_and_prints_the_computed_value(
    run_cli: RunCli,
) -> None:
    probed = PACKS / "probed" / "probed.yaml"
    precompute(probed)
    code, out, err = run_cli(["check", str(probed)])
    assert code == 0, out + err
    assert "ok    test-probed/alpha-bar  alphas_cumprod[500] = 0.276332" in out.splitlines()
    assert "ok    test-probed/raises  raises = ValueError" in out.splitlines()
    assert "2 checked, 0 failed, 0 warning(s)" in err


def test_wrong_expect_fails_with_both_values(tmp_path: Path, run_cli: RunCli) -> None:
    path = write_pack(tmp_path, ALPHA_QUESTION + "    expect: 0.2\n")
    precompute(path)
    code, out, _ = run_cli(["check", str(path)])
    assert code == 1
    # The reason points at the `expect` line, path:line:col like the warnings.
    expect_at = HEADER.count("\n") + ALPHA_QUESTION.count("\n") + 1
    assert out.splitlines()[:2] == [
        "FAIL  verdicts/alpha-bar  alphas_cumprod[500] = 0.276332",
        f"      {path}:{expect_at}:13: expect 0.2 but the probe computed 0.276332",
    ]


def test_trap_inside_the_tolerance_fails(tmp_path: Path, run_cli: RunCli) -> None:
    body = ALPHA_QUESTION + (
        "    tolerance: {rel: 0.5}\n    traps:\n      - answer: 0.2\n        why: a classic slip\n"
    )
    path = write_pack(tmp_path, body)
    precompute(path)
    code, out, _ = run_cli(["check", str(path)])
    assert code == 1
    assert "FAIL  verdicts/alpha-bar" in out
    assert (
        "trap 0.2 would be graded correct against 0.276332 (tolerance rel 0.5, abs 1e-06); "
        "tighten the tolerance or drop the trap"
    ) in out


def test_loose_trap_of_a_typed_question_is_reported_too(tmp_path: Path, run_cli: RunCli) -> None:
    body = """\
  - id: typed
    type: numeric
    origin: mechanism
    topic: vae
    difficulty: 1
    prompt: SD 1.5's VAE scaling factor?
    answer: 0.18215
    tolerance: {rel: 0.2}
    traps:
      - answer: 0.2
        why: rounded too far
"""
    path = write_pack(tmp_path, body)
    code, out, _ = run_cli(["check", str(path)])
    assert code == 1
    assert "FAIL  verdicts/typed  answer = 0.18215" in out
    assert "trap 0.2 would be graded correct" in out


def test_wide_tolerance_without_trap_warns_but_passes(tmp_path: Path, run_cli: RunCli) -> None:
    path = write_pack(tmp_path, ALPHA_QUESTION + "    tolerance: {rel: 0.05}\n")
    precompute(path)
    code, out, err = run_cli(["check", str(path)])
    assert code == 0, out + err
    assert out.splitlines() == [
        "ok    verdicts/alpha-bar  alphas_cumprod[500] = 0.276332",
        "      warning: tolerance rel 0.05 is wider than 1% and no trap shows that it still "
        "rejects the classic wrong answers",
    ]
    assert "1 checked, 0 failed, 1 warning(s)" in err


def test_one_percent_tolerance_does_not_warn(tmp_path: Path, run_cli: RunCli) -> None:
    path = write_pack(tmp_path, ALPHA_QUESTION + "    tolerance: {rel: 0.01}\n")
    precompute(path)
    code, out, _ = run_cli(["check", str(path)])
    assert code == 0
    assert "warning" not in out


def test_json_lists_every_executed_question(run_cli: RunCli) -> None:
    unsound = PACKS / "unsound.yaml"
    precompute(unsound)
    code, out, _ = run_cli(["check", str(unsound), "--json"])
    assert code == 1
    rows = {row["question"]: row for row in json.loads(out)}
    assert set(rows) == {"alpha-bar", "raises"}  # the sound typed question is not listed
    alpha = rows["alpha-bar"]
    assert alpha["ok"] is False and alpha["expect"] == 0.2 and alpha["value"] == ALPHA
    assert "expect 0.2 but the probe computed 0.276332" in alpha["error"]
    assert "trap 0.2764 would be graded correct" in alpha["error"]
    assert rows["raises"]["ok"] is True and rows["raises"]["error"] is None


def test_invalid_pack_fails_check(tmp_path: Path, run_cli: RunCli) -> None:
    path = write_pack(tmp_path, ALPHA_QUESTION.replace("difficulty: 2", "difficulty: 7"))
    code, _, err = run_cli(["check", str(path)])
    assert code == 1
    assert f"{path}:" in err and "difficulty" in err


GIVEAWAY = ALPHA_QUESTION.replace(
    "prompt: alphas_cumprod[500] under SD's betas?",
    "prompt: alphas_cumprod[500] under SD's betas? The probe knows.",
)


def test_giveaways_are_warnings_with_path_and_line(tmp_path: Path, run_cli: RunCli) -> None:
    path = write_pack(tmp_path, GIVEAWAY)
    precompute(path)
    code, out, err = run_cli(["check", str(path)])
    assert code == 0, out + err
    assert f"warning: {path}:10: alpha-bar: author word 'probe' in learner text" in out
    assert "1 checked, 0 failed, 1 warning(s)" in err


def test_strict_fails_on_a_giveaway(tmp_path: Path, run_cli: RunCli) -> None:
    path = write_pack(tmp_path, GIVEAWAY)
    precompute(path)
    code, _, err = run_cli(["check", str(path), "--strict"])
    assert code == 1
    assert "(--strict: warnings fail)" in err


def test_strict_passes_a_clean_pack(tmp_path: Path, run_cli: RunCli) -> None:
    path = write_pack(tmp_path, ALPHA_QUESTION)
    precompute(path)
    code, out, err = run_cli(["check", str(path), "--strict"])
    assert code == 0, out + err
