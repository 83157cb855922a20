"""Warm executed grading vs the same diffusers calls made directly (budget: 1.25x).

One graded step = a probe sent to a warm ProbeRunner (JSON over a pipe, probe
validation, scheduler from config, seeded latents, a CFG UNet call at 64x64 latents, one
scheduler step). The baseline makes the same UNet and scheduler calls in this process with
the model already loaded. Both use one torch thread. Prints the ratio; asserts nothing.

    .venv/bin/python bench/bench_step.py [--repeat N]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import alternate, report

from quizapp import locations
from quizapp.grading.client import ProbeRunner
from quizapp.packs.models import Probe

BUDGET = 1.25
PROBE = Probe(
    scheduler="DDIMScheduler",
    num_inference_steps=50,
    guidance_scale=7.5,
    observe="prev_sample.mean",
)


def direct_step(model: Path) -> Callable[[], float]:
    """The raw calls of one CFG step, with everything loadable already loaded."""
    import diffusers
    import torch

    torch.set_num_threads(1)
    unet = diffusers.UNet2DConditionModel.from_pretrained(model, subfolder="unet").eval()
    config = diffusers.DDIMScheduler.load_config(model, subfolder="scheduler")

    def step() -> float:
        with torch.no_grad():
            scheduler = diffusers.DDIMScheduler.from_config(config)
            scheduler.set_timesteps(PROBE.num_inference_steps)
            generator = torch.Generator("cpu").manual_seed(0)
            latents = torch.randn((1, 4, 64, 64), generator=generator)
            latents = latents * scheduler.init_noise_sigma
            embed_generator = torch.Generator("cpu").manual_seed(1)
            embeddings = torch.randn((2, 77, 768), generator=embed_generator)
            t = scheduler.timesteps[0]
            model_input = scheduler.scale_model_input(torch.cat([latents] * 2), t)
            out = unet(model_input, t, encoder_hidden_states=embeddings).sample
            uncond, cond = out.chunk(2)
            noise_pred = uncond + PROBE.guidance_scale * (cond - uncond)
            prev = scheduler.step(noise_pred, t, latents, generator=generator).prev_sample
            return float(prev.mean())

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    model = locations.models_dir() / "tiny-sd"

    started = time.perf_counter()
    with ProbeRunner() as worker:
        while not worker.ready:
            time.sleep(0.01)
        startup = time.perf_counter() - started
        direct_call = direct_step(model)
        worker.run(PROBE, model)  # warm: the worker loads the UNet once
        direct_call()
        seeds = itertools.count(1)

        def graded_step() -> None:
            # A fresh seed each time: the worker keeps recent loop runs, and a repeated
            # probe would be read from them instead of computed.
            worker.run(PROBE.model_copy(update={"seed": next(seeds)}), model)

        graded, direct = alternate(graded_step, direct_call, args.repeat)
    print(f"worker startup (spawn to ready): {startup:.2f} s")
    report("warm graded step vs direct diffusers calls", graded, direct, BUDGET)


if __name__ == "__main__":
    main()
