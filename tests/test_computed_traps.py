"""Computed traps and `check` across variants, with probes answered by hand (no torch)."""

from __future__ import annotations

from pathlib import Path

from quizapp.grading.computed_traps import computed_probes, resolve_traps, trap_probe
from quizapp.grading.errors import ProbeFailed
from quizapp.grading.grader import Reference, grade
from quizapp.grading.variant_check import check_variants, example_expect
from quizapp.packs.families import pin
from quizapp.packs.loader import load_pack
from quizapp.packs.models import AnyQuestion, Probe, Trap, Value

PACK = load_pack(Path(__file__).parent / "packs" / "families" / "family.yaml")
UNET = PACK.pack.questions[0]
STEPS = PACK.pack.questions[1]


def shapes(probe: Probe) -> Value | None:
    """What tiny-sd computes for the shape observables, by the rules of the loop."""
    cfg = probe.guidance_scale > 1
    batch = probe.batch_size
    latent = [batch, 4, probe.height // 8, probe.width // 8]
    if probe.observe == "unet_output.shape":
        return [batch * (2 if cfg else 1), *latent[1:]]
    if probe.observe in ("noise_pred.shape", "latents.shape"):
        return latent
    return None


def reference_of(question: AnyQuestion) -> Reference | None:
    probe: Probe | None = getattr(question, "probe", None)
    assert probe is not None
    value = shapes(probe)
    if value is None:
        raise ProbeFailed("no such observable here")
    return Reference(value, ("ran",))


def test_trap_probe_swaps_the_observable_or_the_mistake() -> None:
    probe = Probe(scheduler="DDIMScheduler", observe="unet_output.shape", mistake="step_twice")
    swapped = trap_probe(probe, Trap(observe="noise_pred.shape", why="w"))
    assert swapped is not None and swapped.observe == "noise_pred.shape"
    assert swapped.mistake == "step_twice"
    mistaken = trap_probe(probe, Trap(mistake="no_cfg_concat", why="w"))
    assert mistaken is not None and mistaken.mistake == "no_cfg_concat"
    assert mistaken.observe == "unet_output.shape"
    assert trap_probe(probe, Trap(answer=[1], why="w")) is None
    assert [p.observe for p in computed_probes(UNET)] == ["noise_pred.shape"]


def test_resolved_trap_is_dropped_where_it_equals_the_answer() -> None:
    cfg = pin(UNET, {"height": 512, "batch_size": 1, "guidance_scale": 7.5})
    resolved = resolve_traps(cfg, [2, 4, 64, 64], shapes)
    assert [(t.observe, t.answer) for t in resolved.traps] == [
        ("noise_pred.shape", [1, 4, 64, 64]),
        (None, [1, 77, 768]),
    ]
    no_cfg = pin(UNET, {"height": 512, "batch_size": 1, "guidance_scale": 1.0})
    assert [t.answer for t in resolve_traps(no_cfg, [1, 4, 64, 64], shapes).traps] == [[1, 77, 768]]
    assert resolve_traps(cfg, [2, 4, 64, 64], lambda probe: None).traps[0].answer == [1, 77, 768]


def test_grading_a_resolved_trap_explains_it() -> None:
    cfg = pin(UNET, {"height": 256, "batch_size": 2, "guidance_scale": 7.5})
    resolved = resolve_traps(cfg, [4, 4, 32, 64], shapes)
    result = grade(resolved, "(2, 4, 32, 64)", Reference([4, 4, 32, 64]))
    assert result.correct is False and result.trap == "That is the guided prediction."


def test_check_gives_one_row_per_variant_with_its_example() -> None:
    rows = check_variants(UNET, reference_of, shapes)
    assert len(rows) == 8
    assert all(row.ok for row in rows), [row.error for row in rows]
    example = next(row for row in rows if row.expect is not None)
    assert example.settings == {"height": 512, "batch_size": 1, "guidance_scale": 7.5}
    assert example.value == [2, 4, 64, 64]
    assert example_expect(UNET, {"height": 256, "batch_size": 1, "guidance_scale": 1.0}) is None


def test_check_fails_a_wrong_example() -> None:
    assert UNET.examples
    wrong = UNET.model_copy(
        update={"examples": [UNET.examples[0].model_copy(update={"expect": [1, 4, 64, 64]})]}
    )
    failed = [row for row in check_variants(wrong, reference_of, shapes) if not row.ok]
    assert len(failed) == 1 and failed[0].error is not None
    assert "expect (1, 4, 64, 64) but the probe computed (2, 4, 64, 64)" in failed[0].error


def test_check_fails_a_trap_that_passes_in_some_variant() -> None:
    # (2, 4, 32, 64) is the UNet output at 256 x 512, batch 1, CFG: the trap is the answer.
    trapped = UNET.model_copy(update={"traps": [*UNET.traps, Trap(answer=[2, 4, 32, 64], why="w")]})
    failed = [row for row in check_variants(trapped, reference_of, shapes) if not row.ok]
    assert [row.settings for row in failed] == [
        {"height": 256, "batch_size": 1, "guidance_scale": 7.5},
        {"height": 256, "batch_size": 2, "guidance_scale": 1.0},
    ]
    assert failed[0].error is not None and "would be graded correct" in failed[0].error


def test_check_fails_a_useless_computed_trap() -> None:
    # latents.shape equals noise_pred.shape, which equals the answer without CFG.
    no_cfg = UNET.model_copy(
        update={
            "vary": {"height": [256, 512], "batch_size": [1, 2], "guidance_scale": [1.0]},
            "examples": [],
            "traps": [Trap(observe="latents.shape", why="w")],
        }
    )
    rows = check_variants(no_cfg, reference_of, shapes)
    assert [row.ok for row in rows] == [False, True, True, True]
    assert rows[0].error is not None
    assert "computed trap latents.shape equals the answer or has no value in every variant" in (
        rows[0].error
    )
    never = no_cfg.model_copy(update={"traps": [Trap(observe="image.shape", why="w")]})
    assert not check_variants(never, reference_of, shapes)[0].ok


def test_a_failing_variant_reports_its_reason() -> None:
    def failing(question: AnyQuestion) -> Reference | None:
        raise ProbeFailed("worker exited with code 1")

    rows = check_variants(UNET, failing, shapes)
    assert len(rows) == 8 and not any(row.ok for row in rows)
    assert rows[0].error == "worker exited with code 1"
