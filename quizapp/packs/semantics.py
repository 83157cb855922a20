"""Checks that span several fields or questions, reported at a pydantic-style location.

The schema (models.py) decides what each field may hold; this module decides whether the
fields make sense together: ids are unique, `covers` names declared objectives, a choice
question has a correct choice, a probe can run and its observable fits the question type.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

from quizapp.packs.code_checks import check_code_question, check_excerpt
from quizapp.packs.modelref import ModelNotFound, pipeline_of, resolve_controlnet, resolve_model
from quizapp.packs.models import (
    MODEL_NONE,
    AnyQuestion,
    ChoiceQuestion,
    CodeQuestion,
    NumericQuestion,
    Pack,
    Probe,
    SequenceQuestion,
    ShapeQuestion,
    TextQuestion,
    Value,
)
from quizapp.packs.probebudget import budget_problem
from quizapp.packs.regex import check_pattern
from quizapp.packs.vocabulary import (
    FAMILY_FIELDS,
    FAMILY_MISTAKES,
    FAMILY_OBSERVABLES,
    LATENT_RANK,
    NEEDS_UNET,
    NEEDS_VAE,
    PIPELINE_FAMILIES,
    PRED_ORIGINAL_SCHEDULERS,
    SCHEDULER_NEEDS,
    SIGMA_SCHEDULERS,
    ObservableKind,
    observable_kind,
    parse_indexed,
)

Loc = tuple[int | str, ...]
Issue = tuple[Loc, str]

#: The observable kind each graded type expects from its probe.
_KIND_OF_TYPE: dict[str, ObservableKind] = {
    "numeric": "number",
    "shape": "shape",
    "sequence": "sequence",
    "text": "name",
}


def check_pack(pack: Pack, pack_dir: Path | None) -> list[Issue]:
    """Every semantic problem in `pack`, each with the location of the offending field."""
    issues: list[Issue] = []
    issues += _unique([o.id for o in pack.pack.objectives], ("pack", "objectives"), "objective id")
    issues += _unique([q.id for q in pack.questions], ("questions",), "question id")
    objectives = {o.id for o in pack.pack.objectives}
    for index, question in enumerate(pack.questions):
        at: Loc = ("questions", index)
        for j, objective in enumerate(question.covers):
            if objective not in objectives:
                declared = ", ".join(sorted(objectives)) or "none declared"
                issues.append(
                    ((*at, "covers", j), f"covers unknown objective {objective!r} ({declared})")
                )
        issues += [((*at, *loc), message) for loc, message in _check_question(question, pack_dir)]
    return issues


def _unique(ids: list[str], at: Loc, what: str) -> Iterator[Issue]:
    seen: set[str] = set()
    for index, item in enumerate(ids):
        if item in seen:
            yield (*at, index, "id"), f"duplicate {what} {item!r}"
        seen.add(item)


def _check_question(question: AnyQuestion, pack_dir: Path | None) -> Iterator[Issue]:
    yield from check_excerpt(question)
    if isinstance(question, CodeQuestion):
        yield from check_code_question(question)
    if isinstance(question, ChoiceQuestion):
        yield from _check_choice(question)
    if isinstance(question, TextQuestion):
        yield from _check_text(question)
    if isinstance(question, NumericQuestion | ShapeQuestion | SequenceQuestion) and (
        (question.answer is None) == (question.probe is None)
    ):
        yield (), f"a {question.type} question needs exactly one of `answer` or `probe`"
    probe: Probe | None = getattr(question, "probe", None)
    if probe is not None:
        yield from _check_probe(probe, question, pack_dir)
    elif getattr(question, "expect", None) is not None:
        yield ("expect",), "`expect` only makes sense with a `probe`"
    kind = _answer_kind(question)
    if kind is not None:
        expect: Value | None = getattr(question, "expect", None)
        if probe is not None and expect is not None:
            yield from _check_value(expect, kind, ("expect",))
        for index, trap in enumerate(getattr(question, "traps", [])):
            if trap.answer is not None:  # computed traps are checked in family_checks.py
                yield from _check_value(trap.answer, kind, ("traps", index, "answer"))
        if isinstance(question, ChoiceQuestion) and probe is not None:
            for index, choice in enumerate(question.choices):
                if choice.value is not None:
                    yield from _check_value(choice.value, kind, ("choices", index, "value"))


def _answer_kind(question: AnyQuestion) -> ObservableKind | None:
    probe: Probe | None = getattr(question, "probe", None)
    if probe is not None:
        return observable_kind(probe.observe)
    return _KIND_OF_TYPE.get(question.type)


def _check_choice(question: ChoiceQuestion) -> Iterator[Issue]:
    correct = [i for i, choice in enumerate(question.choices) if choice.correct]
    if question.probe is not None:
        for index, choice in enumerate(question.choices):
            if choice.value is None:
                yield ("choices", index), "with a probe, every choice needs a `value`"
            if choice.correct:
                yield (
                    ("choices", index, "correct"),
                    "with a probe, the correct choice is the one whose `value` equals the "
                    "result; remove `correct`",
                )
        return
    if not correct:
        yield ("choices",), "no choice is marked `correct: true`"
    elif len(correct) > 1 and not question.multiple:
        yield (
            ("choices", correct[1], "correct"),
            "several choices are correct; set `multiple: true` or keep one",
        )


def _check_text(question: TextQuestion) -> Iterator[Issue]:
    if not question.accept and question.accept_regex is None and question.probe is None:
        yield (), "a text question needs `accept`, `accept_regex` or a `probe`"
    if question.accept_regex is not None:
        reason = check_pattern(question.accept_regex)
        if reason is not None:
            yield ("accept_regex",), f"regular expression not usable (RE2 syntax): {reason}"


def _check_probe(probe: Probe, question: AnyQuestion, pack_dir: Path | None) -> Iterator[Issue]:
    at: Loc = ("probe",)
    kind = observable_kind(probe.observe)
    question_type = question.type
    wanted = _KIND_OF_TYPE.get(question_type)
    if question.self_rated:
        yield at, f"a {question_type} question is self-rated and cannot have a probe"
    elif wanted is not None and kind != wanted:
        yield (
            (*at, "observe"),
            f"observable {probe.observe!r} yields a {kind}, but a {question_type} question "
            f"needs a {wanted}",
        )
    try:
        folder = resolve_model(probe.model, pack_dir)
    except ModelNotFound as error:
        yield (*at, "model"), str(error)
    else:
        yield from _check_family(probe, folder, pack_dir, at)
    too_big = budget_problem(probe)
    if too_big is not None:
        yield at, too_big
    needs = SCHEDULER_NEEDS.get(probe.scheduler)
    if needs is not None and importlib.util.find_spec(needs) is None:
        yield (
            (*at, "scheduler"),
            f"{probe.scheduler} needs the {needs!r} package, which is not installed "
            "(quizapp does not depend on it)",
        )
    no_model = probe.model == MODEL_NONE
    if no_model and probe.noise_pred == "model":
        yield (
            (*at, "noise_pred"),
            "with `model: none` there is no UNet: set `noise_pred` to `random` or `{fill: x}`",
        )
    if probe.observe in NEEDS_UNET and (no_model or probe.noise_pred != "model"):
        yield (*at, "observe"), f"{probe.observe!r} needs the UNet to run (`noise_pred: model`)"
    if probe.observe in NEEDS_VAE and no_model:
        yield (*at, "observe"), f"{probe.observe!r} needs a model with a VAE"
    name = probe.observe.split("[")[0].split(".")[0]
    if name == "pred_original_sample" and probe.scheduler not in PRED_ORIGINAL_SCHEDULERS:
        yield (
            (*at, "observe"),
            f"{probe.scheduler}.step() returns no pred_original_sample",
        )
    if name in ("sigma", "sigmas") and probe.scheduler not in SIGMA_SCHEDULERS:
        yield (*at, "observe"), f"{probe.scheduler} keeps no sigmas"
    yield from _check_loop_fields(probe, at)


def _family(probe: Probe, folder: Path | None) -> str:
    """The model family that runs the probe (`packs/vocabulary.PIPELINE_FAMILIES`)."""
    pipeline = pipeline_of(folder)
    family = PIPELINE_FAMILIES.get(pipeline, "sd15") if pipeline is not None else "sd15"
    return "controlnet" if probe.controlnet is not None and family == "sd15" else family


def _check_family(
    probe: Probe, folder: Path | None, pack_dir: Path | None, at: Loc
) -> Iterator[Issue]:
    """Fields, observables and mistakes that the probe's model family does not take."""
    pipeline = pipeline_of(folder)
    if pipeline is not None and pipeline not in PIPELINE_FAMILIES:
        yield (*at, "model"), f"no model family runs {pipeline} (model {probe.model!r})"
        return
    family = _family(probe, folder)
    if probe.controlnet is not None:
        if family != "controlnet":
            yield (*at, "controlnet"), f"a ControlNet steers an SD 1.5 model, not {family}"
        try:
            resolve_controlnet(probe.controlnet)
        except ModelNotFound as error:
            yield (*at, "controlnet"), str(error)
    for name, families in FAMILY_FIELDS.items():
        if getattr(probe, name) != Probe.model_fields[name].default and family not in families:
            takers = ", ".join(sorted(families))
            yield (*at, name), f"{name} is for {takers} models; this one is {family}"
    offered = FAMILY_OBSERVABLES.get(probe.observe)
    if offered is not None and family not in offered:
        takers = ", ".join(sorted(offered))
        yield (
            (*at, "observe"),
            f"{probe.observe!r} exists for {takers} models; this one is {family}",
        )
    makers = FAMILY_MISTAKES.get(probe.mistake)
    if makers is not None and family not in makers:
        yield (*at, "mistake"), f"{probe.mistake} is a mistake of {', '.join(sorted(makers))}"
    if probe.latent_shape is not None and (len(probe.latent_shape) == 5) != (family == "wan"):
        yield (*at, "latent_shape"), "latent_shape is (B, C, F, H, W) for video, else 4 numbers"
    indexed = parse_indexed(probe.observe)
    if indexed is not None and indexed[0] != "alphas_cumprod":
        rank = LATENT_RANK.get(family, 4)
        if probe.mistake == "unpacked_latents":
            rank = 4
        if probe.latent_shape is not None:
            rank = len(probe.latent_shape)
        if len(indexed[1]) != rank:
            yield (
                (*at, "observe"),
                f"{indexed[0]} has {rank} dimensions in the {family} family: give {rank} indices",
            )


def _check_loop_fields(probe: Probe, at: Loc) -> Iterator[Issue]:
    """The fields that change which timesteps the loop walks and what it computes in."""
    if probe.dtype != "float32" and probe.noise_pred == "model":
        yield (
            (*at, "dtype"),
            f"dtype {probe.dtype} applies to the scheduler's math only: set `noise_pred` to "
            "`random` or `{fill: x}`",
        )
    if probe.observe == "noise_pred.std_ratio" and probe.guidance_scale <= 1:
        yield (*at, "observe"), "noise_pred.std_ratio needs guidance (guidance_scale > 1)"
    part_way = [
        name
        for name in ("strength", "denoising_start", "denoising_end")
        if getattr(probe, name) is not None
    ]
    if probe.mistake == "skip_set_timesteps":
        for name in part_way:
            yield (*at, name), f"{name} slices the timesteps, which skip_set_timesteps never sets"
        if probe.observe in ("loop_timesteps", "num_loop_timesteps"):
            yield (*at, "observe"), f"{probe.observe} needs set_timesteps (mistake skips it)"
    start, end = probe.denoising_start, probe.denoising_end
    if start is not None and end is not None and start >= end:
        yield (*at, "denoising_start"), "denoising_start must be below denoising_end"


def _check_value(value: Value, kind: ObservableKind, at: Loc) -> Iterator[Issue]:
    ok = {
        "shape": isinstance(value, list) and all(_is_int(v) and v >= 0 for v in value),
        "number": _is_number(value),
        "sequence": isinstance(value, list) and all(_is_number(v) for v in value),
        "name": isinstance(value, str),
    }[kind]
    if not ok:
        wanted = {
            "shape": "a list of non-negative integers",
            "number": "a number",
            "sequence": "a list of numbers",
            "name": "a name",
        }[kind]
        yield at, f"expected {wanted}, got {value!r}"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# The family checks (packs/family_checks.py) apply these to every variant and example.
probe_issues = _check_probe
value_issues = _check_value
