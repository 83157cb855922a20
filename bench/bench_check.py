"""`quizapp check` of N probes vs a plain script making the same diffusers calls.

Part two does the same for families: every variant of each family, with a computed trap
(`observe: noise_pred.shape`, read off the same loop), against a plain script that runs
the same variants (budget 1.5x cold; the cached re-check 0.1x the cold run).

Three whole processes, timed from the outside:
- baseline: `python -c <script>` that imports torch + diffusers, loads tiny-sd and makes
  each probe's calls directly (scheduler from config, set_timesteps, a CFG UNet call,
  one step) — what an author would write by hand;
- cold: `quizapp check PACK` with an empty cache (budget 1.5x the baseline);
- cached: the same command again, every result from the store (budget 0.6x the cold run).

    .venv/bin/python bench/bench_check.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import report

from quizapp import locations

SCHEDULERS = [
    "DDIMScheduler",
    "PNDMScheduler",
    "EulerDiscreteScheduler",
    "EulerAncestralDiscreteScheduler",
    "DPMSolverMultistepScheduler",
    "UniPCMultistepScheduler",
    "HeunDiscreteScheduler",
    "DDPMScheduler",
]

QUESTION = """\
  - id: step-{index}
    type: shape
    origin: mechanism
    topic: bench
    difficulty: 2
    prompt: prev_sample shape with {scheduler}?
    probe:
      scheduler: {scheduler}
      num_inference_steps: 10
      guidance_scale: 7.5
      observe: prev_sample.shape
    expect: [1, 4, 64, 64]
"""

BASELINE = """
import sys, torch, diffusers
torch.set_num_threads(1)
model = sys.argv[1]
unet = diffusers.UNet2DConditionModel.from_pretrained(model, subfolder="unet").eval()
config = diffusers.PNDMScheduler.load_config(model, subfolder="scheduler")
with torch.no_grad():
    for name in sys.argv[2:]:
        scheduler = getattr(diffusers, name).from_config(config)
        scheduler.set_timesteps(10)
        generator = torch.Generator("cpu").manual_seed(0)
        latents = torch.randn((1, 4, 64, 64), generator=generator) * scheduler.init_noise_sigma
        embeddings = torch.randn((2, 77, 768), generator=torch.Generator("cpu").manual_seed(1))
        t = scheduler.timesteps[0]
        model_input = scheduler.scale_model_input(torch.cat([latents] * 2), t)
        out = unet(model_input, t, encoder_hidden_states=embeddings).sample
        uncond, cond = out.chunk(2)
        noise_pred = uncond + 7.5 * (cond - uncond)
        prev = scheduler.step(noise_pred, t, latents).prev_sample
        print(name, tuple(prev.shape))
"""


FAMILY = """\
  - id: family-{index}
    type: shape
    origin: mechanism
    topic: bench
    difficulty: 2
    prompt: "{{height}}x{{width}}, guidance {{guidance_scale}}, {scheduler}: UNet output shape?"
    probe:
      scheduler: {scheduler}
      num_inference_steps: 10
      width: 64
      observe: unet_output.shape
    vary:
      height: [64, 128]
      guidance_scale: [1.0, 7.5]
    examples:
      - where: {{height: 64, guidance_scale: 7.5}}
        expect: [2, 4, 8, 8]
    traps:
      - observe: noise_pred.shape
        why: That is the guided prediction.
"""

FAMILY_SCHEDULERS = SCHEDULERS[:4]

BASELINE_FAMILIES = """
import sys, torch, diffusers
torch.set_num_threads(1)
model = sys.argv[1]
unet = diffusers.UNet2DConditionModel.from_pretrained(model, subfolder="unet").eval()
config = diffusers.PNDMScheduler.load_config(model, subfolder="scheduler")
with torch.no_grad():
    for name in sys.argv[2:]:
        for height in (64, 128):
            for guidance in (1.0, 7.5):
                scheduler = getattr(diffusers, name).from_config(config)
                scheduler.set_timesteps(10)
                generator = torch.Generator("cpu").manual_seed(0)
                latents = torch.randn((1, 4, height // 8, 8), generator=generator)
                latents = latents * scheduler.init_noise_sigma
                cfg = guidance > 1
                embeddings = torch.randn(
                    (2 if cfg else 1, 77, 768), generator=torch.Generator("cpu").manual_seed(1)
                )
                t = scheduler.timesteps[0]
                model_input = torch.cat([latents] * 2) if cfg else latents
                model_input = scheduler.scale_model_input(model_input, t)
                out = unet(model_input, t, encoder_hidden_states=embeddings).sample
                noise_pred = out
                if cfg:
                    uncond, cond = out.chunk(2)
                    noise_pred = uncond + guidance * (cond - uncond)
                prev = scheduler.step(noise_pred, t, latents).prev_sample
                print(name, height, guidance, tuple(out.shape), tuple(noise_pred.shape))
"""


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pack = Path(tmp) / "bench.yaml"
        body = "pack:\n  id: bench-check\n  title: Bench\nquestions:\n"
        body += "".join(QUESTION.format(index=i, scheduler=s) for i, s in enumerate(SCHEDULERS))
        pack.write_text(body)
        quizapp = [sys.executable, "-m", "quizapp", "check", str(pack)]
        baseline = [sys.executable, "-c", BASELINE, str(locations.models_dir() / "tiny-sd")]
        baseline += SCHEDULERS
        cold_runs, cached_runs, base_runs = [], [], []
        for round_ in range(3):
            env = {**os.environ, "QUIZAPP_HOME": str(Path(tmp) / f"home-{round_}")}
            base_runs.append(timed(baseline, env))
            cold_runs.append(timed(quizapp, env))
            cached_runs.append(timed(quizapp, env))
        cold, cached, base = min(cold_runs), min(cached_runs), min(base_runs)
        n = len(SCHEDULERS)
        report(f"quizapp check, {n} probes, cold (whole process)", cold, base, budget=1.5)
        report(f"quizapp check, {n} probes, cached vs cold", cached, cold, budget=0.6)
        os.environ["QUIZAPP_HOME"] = str(Path(tmp) / "home-0")
        print(f"cached re-grade in process: {cached_regrade_ms(pack):.2f} ms (budget 5 ms)")
        bench_families(Path(tmp))


def bench_families(tmp: Path) -> None:
    """Cold and cached `check` of families vs a script running the same variants."""
    pack = tmp / "families.yaml"
    body = "pack:\n  id: bench-families\n  title: Bench\nquestions:\n"
    body += "".join(FAMILY.format(index=i, scheduler=s) for i, s in enumerate(FAMILY_SCHEDULERS))
    pack.write_text(body)
    quizapp = [sys.executable, "-m", "quizapp", "check", str(pack)]
    baseline = [sys.executable, "-c", BASELINE_FAMILIES, str(locations.models_dir() / "tiny-sd")]
    baseline += FAMILY_SCHEDULERS
    cold_runs, cached_runs, base_runs = [], [], []
    for round_ in range(3):
        env = {**os.environ, "QUIZAPP_HOME": str(tmp / f"families-home-{round_}")}
        base_runs.append(timed(baseline, env))
        cold_runs.append(timed(quizapp, env))
        cached_runs.append(timed(quizapp, env))
    cold, cached, base = min(cold_runs), min(cached_runs), min(base_runs)
    n = len(FAMILY_SCHEDULERS)
    name = f"quizapp check, {n} families x 4 variants + computed trap"
    report(f"{name}, cold (whole process)", cold, base, budget=1.5)
    report(f"{name}, cached vs cold", cached, cold, budget=0.1)


def cached_regrade_ms(pack: Path) -> float:
    """Median time of grading one executed answer whose reference is in the store."""
    import statistics

    from quizapp.grading.service import GradingService
    from quizapp.packs.loader import load_pack
    from quizapp.store.db import Store

    loaded = load_pack(pack)
    question = loaded.pack.questions[0]
    with Store.open(locations.db_path()) as store:

        def no_worker() -> object:
            raise AssertionError("a cached re-grade must not need the worker")

        service = GradingService(cache=store, worker_factory=no_worker)  # type: ignore[arg-type]
        times = []
        for _ in range(200):
            started = time.perf_counter()
            service.grade(question, "(1, 4, 64, 64)", pack.parent)
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


if __name__ == "__main__":
    main()
