"""Question families: expand `vary` into variants, apply one to the probe, fill placeholders.

A family is an executed question whose probe settings vary between reviews. Each variant
is a plain, concrete question (`pin`): its probe has the variant's settings, its prompt,
hints and explanation have their `{placeholders}` filled, and its `vary` holds one value
per key, so the drawn settings travel with the question (to the grader's trace, the
review row, `check`'s rows) without a second object to keep in step.

Pure data: no torch, no textual. The draw lives in `study/variants.py`.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from quizapp.packs.models import AnyQuestion, Probe, VaryValue

#: More variants than this is a validation error: `check` runs every one.
MAX_VARIANTS = 64

#: A variant: vary keys (file order) to values.
Settings = dict[str, VaryValue]

#: `{name}` or `{scheduler_config.key}`; `{{name}}` is the literal text `{name}`. Other
#: braces (`x_{t-1}`, `{fill: x}`) are plain text.
_PLACEHOLDER = re.compile(
    r"\{\{([^{}\n]*)\}\}|\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\}"
)

#: Dotted vary keys that set a tensor to one value: `latents.fill: [0.0, 1.0]`.
FILL_KEYS: frozenset[str] = frozenset({"latents.fill", "noise_pred.fill"})

#: Probe fields a family may not vary: the observable is the question itself.
FIXED_FIELDS: frozenset[str] = frozenset({"observe"})

#: The prose fields whose placeholders are filled.
PROSE_FIELDS: tuple[str, ...] = ("prompt", "hints", "explanation")


@dataclass(frozen=True)
class Placeholder:
    """One `{name}` in a text, at character `offset`."""

    name: str
    offset: int


def is_family(question: AnyQuestion) -> bool:
    """True when the question has a probe and a `vary` block."""
    return getattr(question, "probe", None) is not None and bool(getattr(question, "vary", None))


def variant_count(vary: Mapping[str, list[VaryValue]] | None) -> int:
    """How many variants `vary` makes (1 without it)."""
    return math.prod(len(values) for values in (vary or {}).values())


def variants(question: AnyQuestion) -> list[Settings]:
    """Every variant of the question: the Cartesian product of `vary`.

    Keys keep file order and values list order, the last key varying fastest. A question
    without `vary` has no variants (an empty list).
    """
    vary: dict[str, list[VaryValue]] | None = getattr(question, "vary", None)
    if not vary:
        return []
    keys = list(vary)
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*vary.values())]


def is_vary_key(key: str) -> bool:
    """Whether `key` names something a variant can set."""
    if key in FILL_KEYS or key.startswith("scheduler_config."):
        return key.count(".") == 1 and bool(key.split(".", 1)[1])
    return key in Probe.model_fields and key not in FIXED_FIELDS


def probe_data(probe: Probe, settings: Mapping[str, VaryValue]) -> dict[str, Any]:
    """The probe's fields (as a dict) with `settings` applied: the data of the variant."""
    data: dict[str, Any] = probe.model_dump(mode="json")
    config = dict(data.get("scheduler_config", {}))
    for key, value in settings.items():
        if key.startswith("scheduler_config."):
            config[key.split(".", 1)[1]] = value
        elif key in FILL_KEYS:
            data[key.split(".", 1)[0]] = {"fill": value}
        else:
            data[key] = value
    if config:
        data["scheduler_config"] = config
    return data


def apply(probe: Probe, settings: Mapping[str, VaryValue]) -> Probe:
    """The probe of one variant, validated like any probe.

    Raises:
        pydantic.ValidationError: when a setting is not a valid value of its field.
    """
    if not settings:
        return probe
    return Probe.model_validate(probe_data(probe, settings))


def placeholders(text: str) -> Iterator[Placeholder]:
    """The `{name}` placeholders of `text`, in order (escaped braces are skipped)."""
    for match in _PLACEHOLDER.finditer(text):
        if match.group(2) is not None:
            yield Placeholder(match.group(2), match.start())


def known_values(probe: Probe, settings: Mapping[str, VaryValue]) -> dict[str, VaryValue]:
    """What a placeholder may show: every probe field, scheduler_config.KEY, fills, settings."""
    values: dict[str, VaryValue] = {}
    for name, value in probe.model_dump(mode="json").items():
        if isinstance(value, bool | int | float | str):
            values[name] = value
        elif isinstance(value, dict) and name == "scheduler_config":
            values.update({f"scheduler_config.{k}": v for k, v in value.items() if _is_scalar(v)})
        elif isinstance(value, dict) and "fill" in value:
            values[f"{name}.fill"] = value["fill"]
    values.update(settings)
    return values


def fill(text: str, values: Mapping[str, VaryValue]) -> str:
    """`text` with each `{name}` replaced by its value and `{{x}}` by `{x}`.

    A placeholder without a value is left as written (validation reports it first).
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(2)
        if name is None:
            return "{" + match.group(1) + "}"
        if name not in values:
            return match.group(0)
        return show_value(values[name])

    return _PLACEHOLDER.sub(replace, text)


def show_value(value: VaryValue) -> str:
    """A setting as the learner reads it: 7.5, 1.0, DDIMScheduler, true."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def pin(question: AnyQuestion, settings: Mapping[str, VaryValue]) -> AnyQuestion:
    """The concrete question of one variant (or of a plain probe question, for its prose).

    Its probe has the settings applied, its prose is filled, and its `vary` holds exactly
    one value per key, so `pinned_settings` can read the variant back.
    """
    probe: Probe | None = getattr(question, "probe", None)
    if probe is None:
        return question
    concrete = apply(probe, settings)
    values = known_values(concrete, settings)
    update: dict[str, Any] = {
        "probe": concrete,
        "prompt": fill(question.prompt, values),
        "hints": [fill(hint, values) for hint in question.hints],
        "explanation": fill(question.explanation, values),
        "vary": {key: [value] for key, value in settings.items()} or None,
        "examples": [],
    }
    return question.model_copy(update=update)


def pinned_settings(question: AnyQuestion) -> Settings | None:
    """The settings of a pinned variant (one value per vary key); None otherwise."""
    vary: dict[str, list[VaryValue]] | None = getattr(question, "vary", None)
    if not vary or any(len(values) != 1 for values in vary.values()):
        return None
    return {key: values[0] for key, values in vary.items()}


def describe(settings: Mapping[str, VaryValue]) -> str:
    """`height=384, width=512, scheduler=DDIMScheduler`: one line for traces and reports."""
    return ", ".join(f"{key}={show_value(value)}" for key, value in settings.items())


def parse_settings(
    pairs: list[str], vary: Mapping[str, list[VaryValue]]
) -> tuple[Settings | None, str]:
    """Settings from `KEY=VALUE` strings (`grade --variant`), each one of the listed values.

    Returns:
        (settings in vary order, "") or (None, a one-line reason).
    """
    chosen: dict[str, VaryValue] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key, text = key.strip(), text.strip()
        if not sep or not key:
            return None, f"--variant takes KEY=VALUE, got {pair!r}"
        if key not in vary:
            return None, f"{key!r} is not a vary key (vary: {', '.join(vary)})"
        match = [v for v in vary[key] if _same_setting(v, text)]
        if not match:
            listed = ", ".join(show_value(v) for v in vary[key])
            return None, f"{key}={text} is not one of the listed values ({listed})"
        chosen[key] = match[0]
    missing = [key for key in vary if key not in chosen]
    if missing:
        return None, f"--variant needs every vary key; missing: {', '.join(missing)}"
    return {key: chosen[key] for key in vary}, ""


def _same_setting(value: VaryValue, text: str) -> bool:
    if show_value(value).casefold() == text.casefold():
        return True
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return float(text) == float(value)
        except ValueError:
            return False
    return False


def _is_scalar(value: object) -> bool:
    return isinstance(value, bool | int | float | str)
