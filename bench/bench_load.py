"""Loading + validating 5,000 questions vs parsing the same YAML with yaml's C loader alone.

Budget (DESIGN.md): at most 2x. Run: `.venv/bin/python bench/bench_load.py`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from common import alternate, report

from quizapp.packs.registry import Registry

FILES = 10
PER_FILE = 500

QUESTIONS = [
    """\
  - id: flash-{n}
    type: flashcard
    origin: mechanism
    topic: topic-{t}
    difficulty: {d}
    tags: [unet, latents]
    covers: [obj-{t}]
    prompt: Which object owns the numeric update rule of step {n}?
    answer: The scheduler.
    explanation: The model predicts; the scheduler steps.
""",
    """\
  - id: choice-{n}
    type: choice
    origin: trap
    topic: topic-{t}
    difficulty: {d}
    covers: [obj-{t}]
    prompt: What does `noise_pred` hold in question {n}?
    choices:
      - text: The predicted noise
        correct: true
      - text: Pixels
        why: The UNet works on latents.
    hints: [Which space does the UNet work in?]
    explanation: The model predicts noise.
""",
    """\
  - id: numeric-{n}
    type: numeric
    origin: mechanism
    topic: topic-{t}
    difficulty: {d}
    covers: [obj-{t}]
    prompt: alphas_cumprod[500] under SD's betas ({n})?
    answer: 0.276332
    tolerance: {{rel: 0.001}}
    traps:
      - answer: 0.077797
        why: That is the linear schedule.
    explanation: scaled_linear.
""",
    """\
  - id: probe-{n}
    type: shape
    origin: mechanism
    topic: topic-{t}
    difficulty: {d}
    covers: [obj-{t}]
    prompt: UNet output shape under CFG ({n})?
    probe:
      model: none
      scheduler: DDIMScheduler
      noise_pred: random
      latent_shape: [1, 4, 64, 64]
      observe: prev_sample.shape
    expect: [1, 4, 64, 64]
    explanation: CFG doubles the batch.
""",
]


def write_packs(folder: Path) -> list[Path]:
    paths = []
    for f in range(FILES):
        lines = [
            "pack:",
            f"  id: bench-{f}",
            f"  title: Bench {f}",
            "  objectives:",
        ]
        for t in range(10):
            lines += [f"    - id: obj-{t}", "      kind: mechanism", f"      text: Objective {t}."]
        body = "\n".join(lines) + "\nquestions:\n"
        for n in range(PER_FILE):
            template = QUESTIONS[n % len(QUESTIONS)]
            body += template.format(n=f"{f}-{n}", t=n % 10, d=n % 5 + 1)
        path = folder / f"bench-{f}.yaml"
        path.write_text(body)
        paths.append(path)
    return paths


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_packs(Path(tmp))
        loaded = Registry.load_files(paths)
        count = sum(len(p.pack.questions) for p in loaded.packs.values())
        assert not loaded.errors, loaded.errors[:3]
        assert count == FILES * PER_FILE, count

        def ours() -> None:
            Registry.load_files(paths)

        def baseline() -> None:
            for path in paths:
                yaml.load(path.read_text(), Loader=yaml.CSafeLoader)

        mine, base = alternate(ours, baseline, rounds=5)
        report(f"load + validate {count} questions", mine, base, budget=2.0)


if __name__ == "__main__":
    main()
