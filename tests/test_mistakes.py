"""The five classic loop mistakes: the loud ones raise, the silent ones change values."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("torch")
pytest.importorskip("diffusers")

from quizapp import locations
from quizapp.engine.mistakes import MISTAKES as ENGINE_MISTAKES
from quizapp.engine.mistakes import mistake_named
from quizapp.engine.reference.run import run_probe
from quizapp.packs.models import Probe, Value
from quizapp.packs.vocabulary import MISTAKES

pytestmark = pytest.mark.torch

SD = {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}
SD15 = {**SD, "steps_offset": 1, "set_alpha_to_one": False, "clip_sample": False}


def value(**fields: Any) -> Value:
    fields.setdefault("model", "none")
    fields.setdefault("latent_shape", [1, 4, 8, 8])
    if fields["model"] == "none":
        fields.setdefault("noise_pred", {"fill": 0.5})
    model = locations.models_dir() / "tiny-sd" if fields["model"] == "tiny-sd" else None
    return run_probe(Probe(**fields), model).value


def test_every_vocabulary_mistake_is_in_the_engine_table() -> None:
    assert set(MISTAKES) <= set(ENGINE_MISTAKES)
    assert all(mistake_named(name).name == name for name in ENGINE_MISTAKES)


def test_index_as_timestep_on_euler_raises_value_error() -> None:
    got = value(
        scheduler="EulerDiscreteScheduler",
        num_inference_steps=10,
        mistake="index_as_timestep",
        observe="raises",
    )
    assert got == "ValueError"


def test_index_as_timestep_on_ddim_is_silent_damage() -> None:
    base = {
        "scheduler": "DDIMScheduler",
        "scheduler_config": SD15,
        "latents": {"fill": 1.0},
        "observe": "prev_sample[0,0,0,0]",
    }
    right, wrong = value(**base), value(**base, mistake="index_as_timestep")
    wrong_loop = {**base, "mistake": "index_as_timestep"}
    assert value(**{**wrong_loop, "observe": "raises"}) == "none"
    assert value(**{**wrong_loop, "observe": "timestep"}) == 0.0
    assert isinstance(right, float) and isinstance(wrong, float)
    assert abs(right - wrong) > 1e-3


@pytest.mark.parametrize(("step", "expected"), [(4, "none"), (5, "IndexError")])
def test_step_twice_on_dpm_solver_raises_index_error_at_i5(step: int, expected: str) -> None:
    got = value(
        scheduler="DPMSolverMultistepScheduler",
        scheduler_config=SD,
        num_inference_steps=10,
        step=step,
        mistake="step_twice",
        observe="raises",
    )
    assert got == expected


def test_step_twice_changes_values_before_it_raises() -> None:
    base = {
        "scheduler": "DPMSolverMultistepScheduler",
        "num_inference_steps": 10,
        "observe": "prev_sample.mean",
    }
    assert value(**base) != value(**base, mistake="step_twice")


def test_skip_set_timesteps_on_ddim_raises_value_error() -> None:
    assert value(scheduler="DDIMScheduler", mistake="skip_set_timesteps", observe="raises") == (
        "ValueError"
    )


def test_skip_set_timesteps_uses_the_last_training_timestep() -> None:
    got = value(
        scheduler="EulerDiscreteScheduler", mistake="skip_set_timesteps", observe="timestep"
    )
    assert got == 999.0


def test_no_cfg_concat_raises_runtime_error_in_the_unet() -> None:
    base = {"model": "tiny-sd", "scheduler": "DDIMScheduler", "observe": "raises"}
    assert value(**base, guidance_scale=7.5, mistake="no_cfg_concat") == "RuntimeError"
    assert value(**base, guidance_scale=1.0, mistake="no_cfg_concat") == "none"


def test_skip_scale_model_input_is_invisible_with_a_fixed_noise_pred() -> None:
    base = {
        "scheduler": "EulerDiscreteScheduler",
        "scheduler_config": SD,
        "num_inference_steps": 10,
        "observe": "prev_sample.mean",
    }
    assert value(**base) == value(**base, mistake="skip_scale_model_input")
    assert value(**{**base, "observe": "input_scale"}, mistake="skip_scale_model_input") == 1.0


def test_skip_scale_model_input_damages_the_model_input() -> None:
    base = {
        "model": "tiny-sd",
        "scheduler": "EulerDiscreteScheduler",
        "num_inference_steps": 10,
        "observe": "prev_sample.mean",
    }
    right, wrong = value(**base), value(**base, mistake="skip_scale_model_input")
    assert isinstance(right, float) and isinstance(wrong, float)
    assert abs(right - wrong) > 1e-4
