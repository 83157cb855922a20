"""One denoising step of each tiny model family vs tiny-sd's step (budget: 0.5 s each).

A step is what a pipeline does once per timestep: the denoiser call(s) on the batch the
pipeline builds (doubled for classifier-free guidance in SDXL, SD3, ControlNet; one call
with embedded guidance in Flux; two calls, cond and uncond, in Wan) and one scheduler step.
Each family runs at its pipeline's default size (SDXL, SD3, Flux: 1024²; SD 1.5 and its
ControlNet: 512²), except Wan: its default (81 frames at 480×832, 32,760 tokens) costs
seconds even tiny, so Wan probes use small sizes; the step is measured at 17 frames, 256²
(`--wan-default` also times the default once). The baseline, tiny-sd's CFG step at 512²,
is measured in the same run, alternately, so machine load hits both alike; so is the same
step run as a quizapp probe (`run_loop`, its setup included) against the raw calls. One
thread, as in the reference worker. Prints medians and ratios; asserts nothing.

    .venv/bin/python bench/bench_families.py [--repeat N] [--wan-default]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from common import alternate

from quizapp import locations

BUDGET_SECONDS = 0.5


def _randn(*shape: int, seed: int) -> Any:
    import torch

    return torch.randn(shape, generator=torch.Generator("cpu").manual_seed(seed))


def _scheduler(model: Path, steps: int | None, **kwargs: Any) -> Any:
    import diffusers

    config = json.loads((model / "scheduler" / "scheduler_config.json").read_text())
    scheduler = getattr(diffusers, config["_class_name"]).from_config(config)
    scheduler.set_timesteps(steps, **kwargs)
    return scheduler


def sd_step(models: Path) -> Callable[[], object]:
    """tiny-sd at 512² (64² latents), CFG batch of 2: the baseline."""
    import diffusers
    import torch

    unet = diffusers.UNet2DConditionModel.from_pretrained(models / "tiny-sd", subfolder="unet")
    latents, emb = _randn(1, 4, 64, 64, seed=0), _randn(2, 77, 768, seed=1)

    def step() -> object:
        scheduler = _scheduler(models / "tiny-sd", 50)
        t = scheduler.timesteps[0]
        with torch.no_grad():
            out = unet(torch.cat([latents] * 2), t, encoder_hidden_states=emb).sample
        uncond, cond = out.chunk(2)
        return scheduler.step(uncond + 7.5 * (cond - uncond), t, latents).prev_sample

    return step


def sdxl_step(models: Path) -> Callable[[], object]:
    """tiny-sdxl at 1024² (128² latents), CFG batch of 2, text_embeds and time ids."""
    import diffusers
    import torch

    unet = diffusers.UNet2DConditionModel.from_pretrained(models / "tiny-sdxl", subfolder="unet")
    latents, emb = _randn(1, 4, 128, 128, seed=0), _randn(2, 77, 2048, seed=1)
    added = {
        "text_embeds": _randn(2, 1280, seed=2),
        "time_ids": torch.tensor([[1024.0, 1024, 0, 0, 1024, 1024]] * 2),
    }

    def step() -> object:
        scheduler = _scheduler(models / "tiny-sdxl", 30)
        t = scheduler.timesteps[0]
        model_input = scheduler.scale_model_input(torch.cat([latents] * 2), t)
        with torch.no_grad():
            out = unet(model_input, t, encoder_hidden_states=emb, added_cond_kwargs=added).sample
        uncond, cond = out.chunk(2)
        return scheduler.step(uncond + 5.0 * (cond - uncond), t, latents).prev_sample

    return step


def sd3_step(models: Path) -> Callable[[], object]:
    """tiny-sd3 at 1024² (4096 image + 333 text tokens), CFG batch of 2."""
    import diffusers
    import torch

    transformer = diffusers.SD3Transformer2DModel.from_pretrained(
        models / "tiny-sd3", subfolder="transformer"
    )
    latents, emb, pooled = (
        _randn(1, 16, 128, 128, seed=0),
        _randn(2, 333, 4096, seed=1),
        _randn(2, 2048, seed=2),
    )

    def step() -> object:
        scheduler = _scheduler(models / "tiny-sd3", 28)
        t = scheduler.timesteps[0]
        with torch.no_grad():
            out = transformer(
                hidden_states=torch.cat([latents] * 2),
                timestep=t.expand(2),
                encoder_hidden_states=emb,
                pooled_projections=pooled,
            ).sample
        uncond, cond = out.chunk(2)
        return scheduler.step(uncond + 7.0 * (cond - uncond), t, latents).prev_sample

    return step


def flux_step(models: Path) -> Callable[[], object]:
    """tiny-flux at 1024²: packed latents (1, 4096, 64), 512 text tokens, embedded guidance."""
    import diffusers
    import numpy as np
    import torch
    from diffusers.pipelines.flux.pipeline_flux import calculate_shift

    transformer = diffusers.FluxTransformer2DModel.from_pretrained(
        models / "tiny-flux", subfolder="transformer"
    )
    latents, emb, pooled = (
        _randn(1, 4096, 64, seed=0),
        _randn(1, 512, 4096, seed=1),
        _randn(1, 768, seed=2),
    )
    img_ids, txt_ids = torch.zeros(4096, 3), torch.zeros(512, 3)

    def step() -> object:
        steps = 28
        sigmas = np.linspace(1.0, 1 / steps, steps)
        scheduler = _scheduler(
            models / "tiny-flux",
            None,
            sigmas=sigmas,
            mu=calculate_shift(4096, 256, 4096, 0.5, 1.15),
        )
        t = scheduler.timesteps[0]
        with torch.no_grad():
            out = transformer(
                hidden_states=latents,
                timestep=t.expand(1) / 1000,
                guidance=torch.full([1], 3.5),
                pooled_projections=pooled,
                encoder_hidden_states=emb,
                txt_ids=txt_ids,
                img_ids=img_ids,
            ).sample
        return scheduler.step(out, t, latents).prev_sample

    return step


def controlnet_step(models: Path) -> Callable[[], object]:
    """tiny-sd + tiny-controlnet at 512², CFG batch of 2: ControlNet, then the UNet."""
    import diffusers
    import torch

    unet = diffusers.UNet2DConditionModel.from_pretrained(models / "tiny-sd", subfolder="unet")
    controlnet = diffusers.ControlNetModel.from_pretrained(models / "tiny-controlnet")
    latents, emb = _randn(1, 4, 64, 64, seed=0), _randn(2, 77, 768, seed=1)
    image = torch.rand((2, 3, 512, 512), generator=torch.Generator("cpu").manual_seed(2))

    def step() -> object:
        scheduler = _scheduler(models / "tiny-sd", 50)
        t = scheduler.timesteps[0]
        model_input = torch.cat([latents] * 2)
        with torch.no_grad():
            down, mid = controlnet(
                model_input, t, encoder_hidden_states=emb, controlnet_cond=image, return_dict=False
            )
            out = unet(
                model_input,
                t,
                encoder_hidden_states=emb,
                down_block_additional_residuals=down,
                mid_block_additional_residual=mid,
            ).sample
        uncond, cond = out.chunk(2)
        return scheduler.step(uncond + 7.5 * (cond - uncond), t, latents).prev_sample

    return step


def wan_step(models: Path, frames: int, height: int, width: int) -> Callable[[], object]:
    """tiny-wan: latents (1, 16, (frames - 1) // 4 + 1, h / 8, w / 8); cond + uncond calls."""
    import diffusers
    import torch

    transformer = diffusers.WanTransformer3DModel.from_pretrained(
        models / "tiny-wan", subfolder="transformer"
    )
    latents = _randn(1, 16, (frames - 1) // 4 + 1, height // 8, width // 8, seed=0)
    cond_emb, uncond_emb = _randn(1, 512, 4096, seed=1), _randn(1, 512, 4096, seed=2)

    def step() -> object:
        scheduler = _scheduler(models / "tiny-wan", 50)
        t = scheduler.timesteps[0]
        with torch.no_grad():
            cond = transformer(latents, t.expand(1), encoder_hidden_states=cond_emb).sample
            uncond = transformer(latents, t.expand(1), encoder_hidden_states=uncond_emb).sample
        return scheduler.step(uncond + 5.0 * (cond - uncond), t, latents).prev_sample

    return step


#: The same steps as quizapp probes: `run_loop` builds everything and runs iteration 0.
PROBES: dict[str, dict[str, Any]] = {
    "tiny-sdxl 1024²": {
        "model": "tiny-sdxl",
        "scheduler": "EulerDiscreteScheduler",
        "num_inference_steps": 30,
        "guidance_scale": 5.0,
        "height": 1024,
        "width": 1024,
    },
    "tiny-sd3 1024²": {
        "model": "tiny-sd3",
        "scheduler": "FlowMatchEulerDiscreteScheduler",
        "num_inference_steps": 28,
        "guidance_scale": 7.0,
        "height": 1024,
        "width": 1024,
    },
    "tiny-flux 1024²": {
        "model": "tiny-flux",
        "scheduler": "FlowMatchEulerDiscreteScheduler",
        "num_inference_steps": 28,
        "guidance_scale": 3.5,
        "height": 1024,
        "width": 1024,
    },
    "tiny-sd + tiny-controlnet 512²": {
        "model": "tiny-sd",
        "controlnet": "tiny-controlnet",
        "scheduler": "PNDMScheduler",
        "guidance_scale": 7.5,
    },
    "tiny-wan 17 frames 256²": {
        "model": "tiny-wan",
        "scheduler": "UniPCMultistepScheduler",
        "guidance_scale": 5.0,
        "num_frames": 17,
        "height": 256,
        "width": 256,
    },
}


def probe_step(models: Path, fields: dict[str, Any]) -> Callable[[], object]:
    """The family's step as a probe: quizapp's loop, setup included, observing step 0."""
    from quizapp.engine.reference.probe_loop import run_loop
    from quizapp.packs.models import Probe

    probe = Probe.model_validate({**fields, "observe": "prev_sample.mean"})
    return lambda: run_loop(probe, models / fields["model"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--wan-default", action="store_true")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    models = locations.models_dir()
    baseline = sd_step(models)
    families: dict[str, Callable[[], object]] = {
        "tiny-sdxl 1024²": sdxl_step(models),
        "tiny-sd3 1024²": sd3_step(models),
        "tiny-flux 1024²": flux_step(models),
        "tiny-sd + tiny-controlnet 512²": controlnet_step(models),
        "tiny-wan 17 frames 256²": wan_step(models, 17, 256, 256),
    }
    for name, step in families.items():
        step()  # warm: first calls allocate
        baseline()
        ours, base = alternate(step, baseline, args.repeat)
        verdict = "within budget" if ours <= BUDGET_SECONDS else "OVER BUDGET"
        print(
            f"{name}: {ours:.3f} s, tiny-sd 512² step {base:.3f} s, ratio {ours / base:.2f}x "
            f"(budget {BUDGET_SECONDS} s) - {verdict}"
        )
        probe = probe_step(models, PROBES[name])
        probe()
        looped, raw = alternate(probe, step, args.repeat)
        print(f"  as a quizapp probe: {looped:.3f} s, {looped / raw:.2f}x the raw calls")
    if args.wan_default:
        step = wan_step(models, 81, 480, 832)
        started = time.perf_counter()
        step()
        seconds = time.perf_counter() - started
        print(f"tiny-wan 81 frames 480x832 (default, 32,760 tokens): {seconds:.1f} s")


if __name__ == "__main__":
    main()
