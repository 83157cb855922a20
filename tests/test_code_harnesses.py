"""Each harness against diffusers: the reference solution passes, each named mistake is
recognised, a wrong shape and an exception are reported per case.

Runs the code server's `handle` in this process: cases are built here and the learner code
runs in a forked child, exactly as in the server.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.torch

torch = pytest.importorskip("torch")

from quizapp.engine import code_server  # noqa: E402
from quizapp.locations import content_dir  # noqa: E402
from quizapp.packs.harnesses import HARNESSES  # noqa: E402
from quizapp.packs.loader import load_pack  # noqa: E402
from quizapp.packs.models import CodeQuestion  # noqa: E402
from quizapp.packs.registry import Registry  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def warm() -> None:
    code_server.warm_up()


def solutions() -> dict[str, str]:
    """The bundled `write-*` exercise's solution of each harness."""
    found: dict[str, str] = {}
    for question in load_pack(content_dir() / "code-exercises.yaml").pack.questions:
        if isinstance(question, CodeQuestion) and question.id.startswith("write-"):
            found.setdefault(question.harness, question.solution)
    return found


def run(source: str, harness: str, **extra: Any) -> dict[str, Any]:
    response = code_server.handle({"id": 1, "source": source, "harness": harness, **extra})
    assert response["ok"], response
    return response


@pytest.mark.parametrize("harness", sorted(HARNESSES))
def test_the_reference_solution_passes_every_case(harness: str) -> None:
    response = run(solutions()[harness], harness)
    assert response["status"] == "done"
    assert response["cases"] and all(row["ok"] for row in response["cases"])
    assert response["mistake"] is None


@pytest.mark.parametrize(
    ("harness", "mistake"),
    [(name, mistake) for name, spec in sorted(HARNESSES.items()) for mistake in spec.mistakes],
)
def test_each_named_mistake_is_recognised(harness: str, mistake: str) -> None:
    source = code_server.examples()[harness][mistake]
    response = run(source, harness)
    assert not all(row["ok"] for row in response["cases"])
    assert response["mistake"] == mistake
    failing = [row for row in response["cases"] if not row["ok"]]
    assert all(row["mistake"] == mistake for row in failing)


def test_every_mistake_has_an_example() -> None:
    examples = code_server.examples()
    for name, spec in HARNESSES.items():
        assert set(examples[name]) == set(spec.mistakes)


@pytest.mark.parametrize("harness", sorted(HARNESSES))
def test_a_wrong_shape_is_reported_per_case(harness: str) -> None:
    spec = HARNESSES[harness]
    source = f"import torch\n\ndef {spec.function}(*args):\n    return torch.zeros(3, 3)\n"
    response = run(source, harness)
    for row in response["cases"]:
        assert not row["ok"]
        assert row["got_shape"] == [3, 3]
        assert row["error"].startswith("shape (3, 3), expected (")


@pytest.mark.parametrize("harness", sorted(HARNESSES))
def test_an_exception_is_reported_per_case_with_the_learners_line(harness: str) -> None:
    spec = HARNESSES[harness]
    source = f"def {spec.function}(*args):\n    x = 1\n    return args[0].nope\n"
    response = run(source, harness)
    assert response["status"] == "done"
    for row in response["cases"]:
        assert not row["ok"]
        assert "AttributeError" in row["error"]
        assert "(line 3: return args[0].nope)" in row["error"]


def test_the_learner_cannot_corrupt_the_next_case() -> None:
    # In-place edits reach only the learner's copy of the arguments.
    source = (
        "def guide(noise_uncond, noise_text, guidance_scale):\n"
        "    out = noise_uncond + guidance_scale * (noise_text - noise_uncond)\n"
        "    noise_uncond.zero_()\n"
        "    return out\n"
    )
    response = run(source, "cfg_combine")
    assert all(row["ok"] for row in response["cases"])
    again = run(solutions()["cfg_combine"], "cfg_combine")
    assert all(row["ok"] for row in again["cases"])


def test_pack_cases_override_the_defaults() -> None:
    response = run(
        solutions()["denoise_step"],
        "denoise_step",
        cases=[{"scheduler": "PNDMScheduler", "step": 1, "seed": 5}],
    )
    assert len(response["cases"]) == 1
    assert response["cases"][0]["ok"]
    assert "PNDM" in response["cases"][0]["case"]


def test_the_bundled_code_pack_validates() -> None:
    registry = Registry.load([content_dir()])
    assert not registry.errors
    code = [q for _, q in registry.questions() if isinstance(q, CodeQuestion)]
    by_harness = {name: sum(q.harness == name for q in code) for name in HARNESSES}
    assert all(count >= 2 for count in by_harness.values()), by_harness
