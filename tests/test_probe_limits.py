"""Probe sizes: validation refuses a probe over the budget; the worker is capped anyway."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.grading.client import ProbeRunner
from quizapp.grading.errors import ProbeFailed
from quizapp.packs.errors import PackLoadError
from quizapp.packs.loader import load_pack_text
from quizapp.packs.models import Probe
from quizapp.packs.probebudget import PROBE_BUDGET_BYTES, budget_problem, estimate_bytes

PACK = """\
pack: {{id: big, title: Big}}
questions:
  - id: q
    type: shape
    origin: mechanism
    topic: t
    difficulty: 1
    prompt: What shape?
    probe:
      scheduler: DDIMScheduler
      observe: prev_sample.shape
{fields}
"""


def probe(**fields: object) -> Probe:
    return Probe.model_validate(
        {"scheduler": "DDIMScheduler", "observe": "prev_sample.shape", **fields}
    )


@pytest.mark.parametrize(
    "fields",
    [
        {
            "height": 2048,
            "width": 2048,
            "batch_size": 16,
            "num_images_per_prompt": 8,
            "guidance_scale": 7.5,
        },
        {"scheduler_config": {"num_train_timesteps": 2_000_000_000}},
        {"model": "none", "noise_pred": "random", "latent_shape": [512, 512, 512, 512]},
        {"height": 2048, "width": 2048, "observe": "image.shape"},
        {"scheduler_config": {"solver_order": 10**12}},
    ],
    ids=["huge-cfg-batch", "train-steps", "latent-shape", "huge-image", "solver-order"],
)
def test_probes_over_the_budget_are_refused(fields: dict[str, object]) -> None:
    assert estimate_bytes(probe(**fields)) > PROBE_BUDGET_BYTES
    problem = budget_problem(probe(**fields))
    assert problem is not None and "512 MiB" in problem


def test_ordinary_probes_fit() -> None:
    assert budget_problem(probe()) is None
    assert budget_problem(probe(guidance_scale=7.5, batch_size=4)) is None
    assert budget_problem(probe(height=1024, width=1024, observe="image.shape")) is None


def test_validation_locates_the_refusal() -> None:
    text = PACK.format(fields="      scheduler_config: {num_train_timesteps: 2000000000}")
    with pytest.raises(PackLoadError) as raised:
        load_pack_text(text, Path("big.yaml"))
    [error] = raised.value.errors
    assert (error.line, error.col) == (10, 7)
    assert "MiB of tensors" in error.message


def test_what_slips_through_ends_as_memory_limit() -> None:
    # Validation would refuse this probe; sent to the worker directly it must fail cleanly.
    huge = probe(model="none", noise_pred="random", latent_shape=[512, 512, 512, 512])
    with ProbeRunner(timeout=120.0) as worker:
        with pytest.raises(ProbeFailed, match="memory limit"):
            worker.run(huge, None)
        # ...and the same worker goes on with the next probe.
        small = probe(model="none", noise_pred="random", latent_shape=[1, 4, 8, 8])
        assert worker.run(small, None).value == [1, 4, 8, 8]
