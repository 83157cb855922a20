"""The reference loop against diffusers called directly and against the verified facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
diffusers = pytest.importorskip("diffusers")
from diffusers import UNet2DConditionModel

from quizapp import locations
from quizapp.engine import load
from quizapp.engine.families import sd15
from quizapp.engine.reference.errors import ProbeError
from quizapp.engine.reference.probe_loop import run_loop
from quizapp.engine.reference.record import StepRecord
from quizapp.engine.reference.run import run_probe
from quizapp.packs.models import Probe

pytestmark = pytest.mark.torch

SD = {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}


@pytest.fixture(scope="module")
def tiny_sd() -> Path:
    return locations.models_dir() / "tiny-sd"


@pytest.fixture(scope="module")
def cfg_record(tiny_sd: Path) -> StepRecord:
    """One CFG step on tiny-sd at 512x512, shared by the shape tests."""
    probe = Probe(scheduler="DDIMScheduler", guidance_scale=7.5, observe="unet_output.shape")
    return run_loop(probe, tiny_sd)


def _shape(tensor: Any) -> tuple[int, ...]:
    return tuple(tensor.shape)


def test_cfg_shapes_on_tiny_sd_at_512(cfg_record: StepRecord) -> None:
    assert cfg_record.error is None
    assert _shape(cfg_record.latents) == (1, 4, 64, 64)
    assert _shape(cfg_record.latent_model_input) == (2, 4, 64, 64)
    assert _shape(cfg_record.encoder_hidden_states) == (2, 77, 768)
    assert _shape(cfg_record.unet_output) == (2, 4, 64, 64)
    assert _shape(cfg_record.noise_pred) == (1, 4, 64, 64)
    assert _shape(cfg_record.prev_sample) == (1, 4, 64, 64)


def test_trace_names_versions_scheduler_timestep_and_shapes(cfg_record: StepRecord) -> None:
    trace = "\n".join(cfg_record.trace)
    assert f"diffusers {diffusers.__version__}" in trace
    assert f"torch {torch.__version__}" in trace
    assert "DDIMScheduler (timestep_spacing=leading, prediction_type=epsilon" in trace
    assert "t = 981" in trace
    for line in (
        "latents (1, 4, 64, 64)",
        "latent_model_input (2, 4, 64, 64)",
        "encoder_hidden_states (2, 77, 768)",
        "unet_output (2, 4, 64, 64)",
        "noise_pred (1, 4, 64, 64)",
        "prev_sample (1, 4, 64, 64)",
    ):
        assert line in trace


def _direct_cfg_loop(model: Path, scheduler_name: str, steps: int, until: int) -> Any:
    """DESIGN.md's loop written out with plain diffusers calls, seeds as loop.py documents."""
    unet = diffusers.UNet2DConditionModel.from_pretrained(model, subfolder="unet").eval()
    cls = getattr(diffusers, scheduler_name)
    scheduler = cls.from_config(cls.load_config(model, subfolder="scheduler"))
    scheduler.set_timesteps(steps)
    generator = torch.Generator("cpu").manual_seed(0)
    latents = torch.randn((1, 4, 8, 8), generator=generator) * scheduler.init_noise_sigma
    embed_generator = torch.Generator("cpu").manual_seed(1)
    uncond = torch.randn((1, 77, 768), generator=embed_generator)
    cond = torch.randn((1, 77, 768), generator=embed_generator)
    embeddings = torch.cat([uncond, cond])
    with torch.no_grad():
        for t in scheduler.timesteps[: until + 1]:
            model_input = scheduler.scale_model_input(torch.cat([latents] * 2), t)
            out = unet(model_input, t, encoder_hidden_states=embeddings).sample
            u, c = out.chunk(2)
            noise_pred = u + 7.5 * (c - u)
            latents = scheduler.step(noise_pred, t, latents).prev_sample
    return latents


@pytest.mark.parametrize("scheduler", ["DDIMScheduler", "EulerDiscreteScheduler"])
def test_loop_matches_diffusers_called_directly(tiny_sd: Path, scheduler: str) -> None:
    probe = Probe(
        scheduler=scheduler,
        num_inference_steps=10,
        step=1,
        latent_shape=[1, 4, 8, 8],
        guidance_scale=7.5,
        observe="prev_sample.mean",
    )
    record = run_loop(probe, tiny_sd)
    expected = _direct_cfg_loop(tiny_sd, scheduler, steps=10, until=1)
    assert torch.allclose(record.prev_sample, expected, rtol=1e-4, atol=1e-5)


def test_values_repeat_bit_for_bit(tiny_sd: Path) -> None:
    probe = Probe(
        scheduler="EulerAncestralDiscreteScheduler",
        num_inference_steps=5,
        step=2,
        latent_shape=[1, 4, 8, 8],
        guidance_scale=3.0,
        observe="prev_sample[0,1,2,3]",
    )
    assert run_probe(probe, tiny_sd).value == run_probe(probe, tiny_sd).value


def test_stochastic_step_uses_the_latents_generator() -> None:
    probe = Probe(
        model="none",
        scheduler="DDPMScheduler",
        num_inference_steps=10,
        latent_shape=[1, 4, 8, 8],
        noise_pred={"fill": 0.1},
        observe="prev_sample.mean",
    )
    record = run_loop(probe, None)
    scheduler = diffusers.DDPMScheduler()
    scheduler.set_timesteps(10)
    generator = torch.Generator("cpu").manual_seed(0)
    latents = torch.randn((1, 4, 8, 8), generator=generator) * scheduler.init_noise_sigma
    noise = torch.full((1, 4, 8, 8), 0.1)
    expected = scheduler.step(noise, scheduler.timesteps[0], latents, generator=generator)
    assert torch.equal(record.prev_sample, expected.prev_sample)


def test_scheduler_base_is_the_model_config_or_class_defaults(tiny_sd: Path) -> None:
    def first_t(model: Path | None, **config: Any) -> float:
        probe = Probe(
            model="tiny-sd" if model else "none",
            scheduler="DDIMScheduler",
            scheduler_config=config,
            noise_pred={"fill": 0.0},
            latent_shape=[1, 4, 8, 8],
            observe="timestep",
        )
        return float(run_probe(probe, model).value)  # type: ignore[arg-type]

    assert first_t(tiny_sd) == 981  # SD 1.5's steps_offset 1
    assert first_t(None) == 980  # DDIM's class default, offset 0
    assert first_t(tiny_sd, timestep_spacing="trailing") == 999  # overrides win


def test_random_latents_scaled_fill_latents_exact() -> None:
    def latents(**kwargs: Any) -> Any:
        probe = Probe(
            model="none",
            scheduler="EulerDiscreteScheduler",
            scheduler_config=SD,
            num_inference_steps=10,
            latent_shape=[1, 4, 8, 8],
            noise_pred={"fill": 0.0},
            observe="latents.shape",
            **kwargs,
        )
        return run_loop(probe, None).latents

    noise = torch.randn((1, 4, 8, 8), generator=torch.Generator("cpu").manual_seed(0))
    assert torch.allclose(latents(), noise * 14.614647, rtol=1e-5)
    assert torch.equal(latents(latents={"fill": 1.0}), torch.ones(1, 4, 8, 8))


def test_missing_packages_give_clear_errors() -> None:
    for scheduler, package in (
        ("LMSDiscreteScheduler", "scipy"),
        ("DPMSolverSDEScheduler", "torchsde"),
    ):
        probe = Probe(model="none", scheduler=scheduler, noise_pred="random", observe="timesteps")
        with pytest.raises(ProbeError, match=f"{scheduler} needs the {package} package"):
            run_probe(probe, None)
    placeholder = Probe(model="none", scheduler="KarrasVeScheduler", observe="raises")
    with pytest.raises(ProbeError, match="exports KarrasVeScheduler only as a placeholder"):
        run_probe(placeholder, None)


def test_step_past_the_end_is_a_probe_error() -> None:
    probe = Probe(
        model="none",
        scheduler="DDIMScheduler",
        num_inference_steps=10,
        step=10,
        noise_pred="random",
        observe="raises",
    )
    with pytest.raises(ProbeError, match="step 10 is past the end: DDIMScheduler has 10"):
        run_probe(probe, None)


def test_model_none_with_model_noise_pred_is_a_probe_error() -> None:
    probe = Probe(model="none", scheduler="DDIMScheduler", observe="timesteps")
    with pytest.raises(ProbeError, match="model `none` has no UNet"):
        run_probe(probe, None)


def test_model_folder_that_does_not_load(tmp_path: Path, tiny_sd: Path) -> None:
    missing = tmp_path / "missing"
    probe = Probe(model=str(missing), scheduler="DDIMScheduler", observe="timesteps")
    with pytest.raises(ProbeError, match="does not exist"):
        run_probe(probe, missing)

    empty = tmp_path / "empty"
    empty.mkdir()
    probe = Probe(model=str(empty), scheduler="DDIMScheduler", observe="timesteps")
    with pytest.raises(ProbeError, match="no unet/"):
        run_probe(probe, empty)

    broken = tmp_path / "broken"
    (broken / "unet").mkdir(parents=True)
    (broken / "unet" / "config.json").write_text((tiny_sd / "unet" / "config.json").read_text())
    (broken / "unet" / "diffusion_pytorch_model.safetensors").write_bytes(b"not safetensors")
    probe = Probe(model=str(broken), scheduler="DDIMScheduler", observe="timesteps")
    with pytest.raises(ProbeError, match="cannot load unet from") as caught:
        run_probe(probe, broken)
    assert "\n" not in str(caught.value)


def test_networks_are_cached_per_model_path(tiny_sd: Path) -> None:
    assert load.load_part(tiny_sd, "unet", UNet2DConditionModel) is sd15.FAMILY.load(tiny_sd)


def test_probes_that_differ_only_in_observe_share_one_loop_run(
    tiny_sd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quizapp.engine.reference import run

    runs: list[Probe] = []

    def counting(probe: Probe, model_path: Path | None) -> StepRecord:
        runs.append(probe)
        return run_loop(probe, model_path)

    monkeypatch.setattr(run, "run_loop", counting)
    monkeypatch.setattr(run, "_RECENT", type(run._RECENT)())
    base = Probe(scheduler="DDIMScheduler", height=64, width=64, observe="latents.shape")
    image = run_probe(base.model_copy(update={"observe": "image.shape"}), tiny_sd)
    latents = run_probe(base, tiny_sd)
    again = run_probe(base.model_copy(update={"observe": "image.shape"}), tiny_sd)
    assert len(runs) == 1
    assert latents.value == [1, 4, 8, 8] and image.value == again.value == [1, 3, 64, 64]
    # The decoder's own trace line belongs to the image probe only, however often it runs.
    assert sum("vae.decode" in line for line in image.trace) == 1
    assert not any("vae.decode" in line for line in latents.trace)
    assert again.trace == image.trace
    run_probe(base.model_copy(update={"seed": 1}), tiny_sd)
    assert len(runs) == 2
