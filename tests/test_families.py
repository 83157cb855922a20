"""Families: expansion order, the variant cap, probe settings, placeholders, pinning."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.packs.errors import PackLoadError
from quizapp.packs.families import (
    MAX_VARIANTS,
    apply,
    describe,
    fill,
    is_family,
    parse_settings,
    pin,
    pinned_settings,
    placeholders,
    variants,
)
from quizapp.packs.loader import load_pack, load_pack_text
from quizapp.packs.models import Fill, Probe

PACK = Path(__file__).parent / "packs" / "families" / "family.yaml"
LOADED = load_pack(PACK)
UNET = LOADED.pack.questions[0]
STEPS = LOADED.pack.questions[1]
PLAIN = LOADED.pack.questions[2]


def test_variants_are_the_product_in_file_order_last_key_fastest() -> None:
    found = variants(UNET)
    assert len(found) == 8
    assert found[0] == {"height": 256, "batch_size": 1, "guidance_scale": 1.0}
    assert found[1] == {"height": 256, "batch_size": 1, "guidance_scale": 7.5}
    assert found[2] == {"height": 256, "batch_size": 2, "guidance_scale": 1.0}
    assert found[-1] == {"height": 512, "batch_size": 2, "guidance_scale": 7.5}
    assert list(found[0]) == ["height", "batch_size", "guidance_scale"]
    assert variants(PLAIN) == [] and not is_family(PLAIN)


def test_apply_sets_fields_scheduler_config_and_fills() -> None:
    probe = Probe(scheduler="DDIMScheduler", observe="timesteps", scheduler_config={"a": 1})
    applied = apply(
        probe,
        {"num_inference_steps": 4, "scheduler_config.steps_offset": 0, "latents.fill": 0.5},
    )
    assert applied.num_inference_steps == 4
    assert applied.scheduler_config == {"a": 1, "steps_offset": 0}
    assert applied.latents == Fill(fill=0.5)
    assert probe.num_inference_steps == 50  # the family's own probe is untouched


def test_placeholders_fill_and_escapes() -> None:
    text = "a {height} b {{literal}} x_{t-1}} {scheduler_config.shift}"
    assert [p.name for p in placeholders(text)] == ["height", "scheduler_config.shift"]
    filled = fill(text, {"height": 512, "scheduler_config.shift": 3.0})
    assert filled == "a 512 b {literal} x_{t-1}} 3.0"
    assert fill("{missing}", {}) == "{missing}"
    assert fill("{flag}", {"flag": True}) == "true"


def test_pin_fills_prose_and_records_the_settings() -> None:
    settings = {"height": 384 if False else 256, "batch_size": 2, "guidance_scale": 7.5}
    pinned = pin(UNET, settings)
    assert pinned.probe is not None and pinned.probe.height == 256
    assert pinned.probe.batch_size == 2
    assert "256x512, batch 2, guidance_scale 7.5" in pinned.prompt
    assert "{braces}" in pinned.prompt and "{{" not in pinned.prompt
    assert pinned.hints == ["2 prompts, doubled under CFG"]
    assert pinned.explanation == "At 256x512 the latent is 8 times smaller."
    assert pinned_settings(pinned) == settings
    assert pinned_settings(UNET) is None
    assert describe(settings) == "height=256, batch_size=2, guidance_scale=7.5"


def test_plain_probe_question_fills_probe_fields() -> None:
    assert "with 10 steps" in pin(PLAIN, {}).prompt


def test_parse_settings_needs_every_key_and_a_listed_value() -> None:
    vary = UNET.vary
    assert vary is not None
    settings, _ = parse_settings(["height=512", "batch_size=1", "guidance_scale=7.5"], vary)
    assert settings == {"height": 512, "batch_size": 1, "guidance_scale": 7.5}
    assert parse_settings(["guidance_scale=7.50", "height=512", "batch_size=1"], vary)[0]
    assert "missing: guidance_scale" in parse_settings(["height=512", "batch_size=1"], vary)[1]
    assert "not one of" in parse_settings(["height=384"], vary)[1]
    assert "not a vary key" in parse_settings(["width=512"], vary)[1]
    assert "KEY=VALUE" in parse_settings(["height"], vary)[1]


# -- validation ----------------------------------------------------------------------------

HEADER = "pack:\n  id: p\n  title: P\nquestions:\n"
QUESTION = """\
  - id: q
    type: shape
    origin: mechanism
    topic: t
    difficulty: 1
    prompt: {prompt}
    probe:
      model: tiny-sd
      scheduler: DDIMScheduler
      observe: latents.shape
      noise_pred: {{fill: 0.0}}
{rest}"""


def errors_of(prompt: str, rest: str) -> list[str]:
    text = HEADER + QUESTION.format(prompt=prompt, rest=rest)
    with pytest.raises(PackLoadError) as caught:
        load_pack_text(text, Path("p.yaml"))
    return [str(error) for error in caught.value.errors]


EXAMPLE = "    examples:\n      - where: {height: 64}\n        expect: [1, 4, 8, 8]\n"


def test_unknown_placeholder_is_located_at_its_line_and_column() -> None:
    errors = errors_of('"At {height}x{widht}"', "    vary:\n      height: [64, 128]\n" + EXAMPLE)
    # line 10 is the prompt: 12 columns of "    prompt: ", then `"At {height}x` (13).
    assert errors == [
        "p.yaml:10:26: question 'q': placeholder {widht} is neither a vary key nor a probe "
        "field (write {{widht}} for the literal text {widht})"
    ]


def test_placeholder_in_a_block_scalar_is_located_on_its_own_line() -> None:
    prompt = "|\n      first line\n      second {nope} here"
    errors = errors_of(prompt, "")
    assert len(errors) == 1 and errors[0].startswith("p.yaml:12:14: ")


def test_vary_key_not_shown_in_the_prompt_is_an_error() -> None:
    errors = errors_of(
        '"At {height}"',
        "    vary:\n      height: [64, 128]\n      width: [64, 128]\n"
        + EXAMPLE.replace("{height: 64}", "{height: 64, width: 64}"),
    )
    assert len(errors) == 1
    assert "p.yaml:18:7: " in errors[0] and "vary key 'width' is not shown" in errors[0]


def test_more_than_64_variants_is_an_error() -> None:
    values = ", ".join(str(8 * (i + 1)) for i in range(9))
    rest = f"    vary:\n      height: [{values}]\n      width: [{values}]\n"
    rest += "    examples:\n      - where: {height: 8, width: 8}\n        expect: [1, 4, 1, 1]\n"
    errors = errors_of('"{height}x{width}"', rest)
    assert any(
        f"9 x 9 = 81 variants; a family may have at most {MAX_VARIANTS}" in e for e in errors
    )


def test_family_needs_an_example_naming_every_vary_key() -> None:
    errors = errors_of('"{height}"', "    vary:\n      height: [64, 128]\n")
    assert any("needs at least one entry in `examples`" in e for e in errors)
    errors = errors_of(
        '"{height}"',
        "    vary:\n      height: [64, 128]\n"
        "    examples:\n      - where: {height: 96}\n        expect: [1, 4, 8, 8]\n",
    )
    assert any("height=96 is not listed (64, 128)" in e for e in errors)


def test_bad_vary_keys_and_values() -> None:
    errors = errors_of('"{height}"', "    vary:\n      hieght: [64]\n      observe: [timesteps]\n")
    assert any("unknown vary key 'hieght'" in e for e in errors)
    assert any("`observe` cannot vary" in e for e in errors)
    errors = errors_of('"{height}"', "    vary:\n      height: [64, 4096]\n" + EXAMPLE)
    assert any("height: 4096:" in e for e in errors)


def test_computed_traps_are_checked() -> None:
    rest = (
        "    traps:\n"
        "      - {observe: timesteps, why: a}\n"
        "      - {observe: latents.shape, why: b}\n"
        "      - {observe: prev_sample.shape, mistake: step_twice, why: c}\n"
        "      - {mistake: none, why: d}\n"
    )
    errors = errors_of('"x"', rest)
    assert any(
        "'timesteps' yields a sequence, the question's answer is a shape" in e for e in errors
    )
    assert any("this is the question's own observable" in e for e in errors)
    assert any("exactly one of `answer`, `observe` or `mistake`" in e for e in errors)
    assert any("mistake 'none' is how the probe already runs" in e for e in errors)
