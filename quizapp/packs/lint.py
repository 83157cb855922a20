"""Giveaway lints: prose patterns that let a learner answer without knowing the answer.

`quizapp check` prints each finding as `warning: path:line: …` and fails on them with
`--strict`. The rules come from an expert review of the bundled packs:

- the correct choice is the longest by a clear margin (test-wise learners pick it);
- across a pack, one answer ("nothing", "none", a letter position) is right in more than
  half of the questions that offer it;
- a hint, or a wrong choice's text, contains another question's answer (hints: any
  question's, their own included);
- a probe question's prompt does not state a setting its answer depends on: a probe field
  that differs from its default and appears in no placeholder or prompt text;
- author words ("probe", "expect") in text a learner reads;
- a `group:` that no other question of the pack names (siblings come in twos or more).

The module is pure: it reads a `Pack` and, for executed questions, the values the caller
computed, so it is tested with fixed inputs and never runs a probe itself.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from quizapp.packs.models import (
    AnyQuestion,
    ChoiceQuestion,
    ExplainQuestion,
    Fill,
    FlashcardQuestion,
    NumericQuestion,
    Pack,
    Probe,
    SequenceQuestion,
    TextQuestion,
    Value,
)

Loc = tuple[int | str, ...]

#: The correct choice is "clearly" longest when it beats the longest wrong one by both.
LONGEST_RATIO = 1.3
LONGEST_MARGIN = 15
#: An answer class is flagged when offered by at least this many questions of a pack.
MIN_OFFERED = 3
#: Numbers with fewer significant digits (0, 1, 50, 999) are too common to be giveaways.
MIN_SIGNIFICANT_DIGITS = 4

_NOTHING = re.compile(
    r"^\s*(nothing|none\b|no (error|exception|change|effect|difference)|neither|"
    r"it (does not|doesn't) raise|silent)",
    re.IGNORECASE,
)
#: "probe" in any form; "expect" only where it names the pack field (`expect`, expect:),
#: since "the UNet expects 4 channels" is plain English.
_AUTHOR_WORDS = re.compile(r"\b(probes?|probed)\b|`expect`|\bexpect:", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w])")


@dataclass(frozen=True)
class Lint:
    """One giveaway finding.

    Attributes:
        loc: Where it is, as a location in the pack's YAML tree (`("questions", 3,
            "hints", 0)`); `("pack", "id")` for pack-wide findings.
        message: One line, naming the question and what to change.
    """

    loc: Loc
    message: str


def lint_pack(
    pack: Pack,
    computed: Mapping[str, Value] | None = None,
    correct: Mapping[str, frozenset[int]] | None = None,
    groups: Counter[str] | None = None,
) -> list[Lint]:
    """Every giveaway in `pack`, in pack order, pack-wide findings last.

    Args:
        pack: The validated pack.
        computed: The reference value of each executed question, by question id (numbers
            and names found in other questions' hints are compared with these).
        correct: The indices of the correct choices of each probe-backed choice question,
            by question id; a typed choice question's come from its `correct` marks.
        groups: How many questions name each group across the packs checked together
            (`group_sizes`); default: counted in this pack alone.
    """
    computed = computed or {}
    correct = correct or {}
    answers = list(_answers(pack, computed))
    lints: list[Lint] = []
    for index, question in enumerate(pack.questions):
        at: Loc = ("questions", index)
        right = _correct_of(question, correct)
        if isinstance(question, ChoiceQuestion):
            lints += _longest_correct(question, right, at)
        lints += _giveaways(question, answers, right, at)
        if question.executed:
            lints += _unstated_settings(question, at)
        lints += _author_words(question, at)
    lints += _dominant_answers(pack, correct)
    lints += _lonely_groups(pack, groups)
    return lints


def group_sizes(packs: Iterable[Pack]) -> Counter[str]:
    """How many questions name each `group:`, over packs checked together (a group is
    shared across packs: siblings often sit in different packs)."""
    return Counter(q.group for pack in packs for q in pack.questions if q.group is not None)


def _lonely_groups(pack: Pack, groups: Counter[str] | None) -> list[Lint]:
    """A `group:` named by one question only: a typo, or a sibling that was removed."""
    sizes = groups if groups is not None else group_sizes([pack])
    return [
        Lint(
            ("questions", index, "group"),
            f"{question.id}: group {question.group!r} has no other question "
            "(siblings share a group; remove it or name the sibling's group)",
        )
        for index, question in enumerate(pack.questions)
        if question.group is not None and sizes[question.group] <= 1
    ]


# --- the correct choice is the longest ----------------------------------------------------


def _longest_correct(question: ChoiceQuestion, right: frozenset[int], at: Loc) -> list[Lint]:
    if len(right) != 1 or len(question.choices) < 2:
        return []
    (index,) = right
    length = len(question.choices[index].text.strip())
    others = max(len(c.text.strip()) for i, c in enumerate(question.choices) if i != index)
    if length >= others * LONGEST_RATIO and length - others >= LONGEST_MARGIN:
        return [
            Lint(
                (*at, "choices", index, "text"),
                f"{question.id}: the correct choice is the longest ({length} characters, the "
                f"next {others}); balance the choices' lengths",
            )
        ]
    return []


# --- one answer right too often across a pack ---------------------------------------------


def _dominant_answers(pack: Pack, correct: Mapping[str, frozenset[int]]) -> list[Lint]:
    offered: dict[str, int] = {}
    right: dict[str, int] = {}
    for question in pack.questions:
        if not isinstance(question, ChoiceQuestion) or question.multiple:
            continue
        indices = _correct_of(question, correct)
        if not indices:
            continue
        classes = {f"letter {chr(ord('a') + i)})": {i} for i in range(len(question.choices))}
        # "Last" spans 3- and 4-choice questions, where no one letter is always the last.
        classes["the last choice"] = {len(question.choices) - 1}
        nothing = {i for i, c in enumerate(question.choices) if _is_nothing(c.text, c.value)}
        if nothing:
            classes['"nothing"/"none"'] = nothing
        for name, members in classes.items():
            offered[name] = offered.get(name, 0) + 1
            if members & indices:
                right[name] = right.get(name, 0) + 1
    lints = []
    for name, count in offered.items():
        hits = right.get(name, 0)
        if count >= MIN_OFFERED and hits * 2 > count:
            lints.append(
                Lint(
                    ("pack", "id"),
                    f"{pack.pack.id}: {name} is the right answer in {hits} of the {count} "
                    "choice questions that offer it; vary where and what the answer is",
                )
            )
    return lints


def _is_nothing(text: str, value: Value | None) -> bool:
    return bool(_NOTHING.match(text)) or (isinstance(value, str) and value.lower() == "none")


# --- hints and distractors that give answers away -----------------------------------------


@dataclass(frozen=True)
class _Answer:
    """A distinctive answer of one question: a number, a phrase, or a name + scheduler."""

    question_id: str
    number: float | None = None
    phrase: str | None = None
    name: str | None = None
    scheduler: tuple[str, ...] = ()


def _answers(pack: Pack, computed: Mapping[str, Value]) -> Iterator[_Answer]:
    for question in pack.questions:
        value = computed.get(question.id)
        probe: Probe | None = getattr(question, "probe", None)
        if isinstance(question, NumericQuestion | SequenceQuestion):
            typed = question.answer if question.answer is not None else question.expect
            numbers = value if value is not None else typed
            for number in numbers if isinstance(numbers, list) else [numbers]:
                if isinstance(number, int | float) and _significant(number):
                    yield _Answer(question.id, number=float(number))
        if isinstance(question, TextQuestion):
            for accepted in question.accept:
                if len(accepted.split()) >= 2 and len(accepted) >= 12:
                    yield _Answer(question.id, phrase=accepted.lower())
        if probe is not None and probe.observe == "raises" and value not in (None, "none"):
            assert isinstance(value, str)
            yield _Answer(question.id, name=value, scheduler=_aliases(probe.scheduler))


def _giveaways(
    question: AnyQuestion, answers: list[_Answer], right: frozenset[int], at: Loc
) -> list[Lint]:
    places: list[tuple[Loc, str, bool]] = [
        ((*at, "hints", i), hint, True) for i, hint in enumerate(question.hints)
    ]
    if isinstance(question, ChoiceQuestion):
        places += [
            ((*at, "choices", i, "text"), choice.text, False)
            for i, choice in enumerate(question.choices)
            if i not in right
        ]
    lints = []
    for loc, text, is_hint in places:
        for answer in answers:
            if answer.question_id == question.id and not is_hint:
                continue
            if _contains(text, answer):
                whose = "its own" if answer.question_id == question.id else answer.question_id
                where = "a hint" if is_hint else "a wrong choice"
                lints.append(Lint(loc, f"{question.id}: {where} gives away the answer of {whose}"))
                break
    return lints


def _contains(text: str, answer: _Answer) -> bool:
    if answer.number is not None:
        return any(_same_number(found, answer.number) for found in _numbers(text))
    if answer.phrase is not None:
        return answer.phrase in text.lower()
    if answer.name is not None:
        lowered = text.lower()
        return bool(re.search(rf"\b{re.escape(answer.name.lower())}\b", lowered)) and any(
            alias.lower() in lowered for alias in answer.scheduler
        )
    return False


def _spaced(text: str) -> str:
    """`256x256` and `1×4×8×8` read as separate numbers."""
    return re.sub(r"(?<=\d)[x×](?=\d)", " ", text)


def _numbers(text: str) -> Iterator[float]:
    for match in _NUMBER.finditer(_spaced(text)):
        token = match.group().replace("−", "-")
        if _significant_text(token):
            yield float(token)


def _significant(number: float) -> bool:
    return _significant_text(repr(float(number)).removesuffix(".0"))


def _significant_text(token: str) -> bool:
    mantissa = re.split("[eE]", token)[0].lstrip("-").replace(".", "").lstrip("0")
    return len(mantissa.rstrip("0") if "." not in token else mantissa) >= MIN_SIGNIFICANT_DIGITS


def _same_number(a: float, b: float) -> bool:
    # Written numbers are rounded: 4 significant figures of the answer give it away.
    return math.isclose(a, b, rel_tol=5e-4, abs_tol=1e-9)


def _aliases(scheduler: str) -> tuple[str, ...]:
    base = scheduler.removesuffix("Scheduler")
    names = {scheduler, base, base.removesuffix("Discrete"), base.removesuffix("Multistep")}
    names |= set(_NICKNAMES.get(scheduler, ()))
    return tuple(sorted(n for n in names if n))


_NICKNAMES: dict[str, tuple[str, ...]] = {
    "DPMSolverMultistepScheduler": ("DPM++", "DPM-Solver", "DPMSolver"),
    "DPMSolverSinglestepScheduler": ("DPM++", "DPM-Solver", "DPMSolver"),
    "EulerAncestralDiscreteScheduler": ("Euler Ancestral", "Euler a", "ancestral"),
    "EulerDiscreteScheduler": ("Euler",),
    "FlowMatchEulerDiscreteScheduler": ("FlowMatch", "flow match", "flow-match"),
    "UniPCMultistepScheduler": ("UniPC",),
    "KDPM2DiscreteScheduler": ("KDPM2",),
    "KDPM2AncestralDiscreteScheduler": ("KDPM2",),
    "HeunDiscreteScheduler": ("Heun",),
}


# --- a probe setting the prompt does not state --------------------------------------------

_DEFAULTS = Probe(scheduler="DDIMScheduler", observe="timesteps")
#: Fields that shape only what a learner cannot compute anyway (random draws), or are
#: stated by the observable itself.
_NEVER_STATED = frozenset({"seed", "observe", "prompt_length"})
#: Fields that matter only for the size of tensors.
_SIZE_FIELDS = frozenset(
    {"height", "width", "latent_shape", "batch_size", "num_images_per_prompt", "prompt_length"}
)
_MISTAKE_WORDS: dict[str, tuple[str, ...]] = {
    "skip_set_timesteps": ("set_timesteps",),
    "index_as_timestep": ("index", "enumerate", "range("),
    "step_twice": ("twice", "two times", "second time"),
    "no_cfg_concat": ("cat", "doubl", "concat"),
    "skip_scale_model_input": ("scale_model_input",),
    "skip_inpaint_concat": ("mask", "concat", "cat("),
}
_SD_WORDS = ("sd 1.5", "sd1.5", "sd 1", "stable diffusion", "sd's", "sd config", "sd-style")
_SD_KEYS = frozenset(
    {
        "beta_schedule",
        "beta_start",
        "beta_end",
        "steps_offset",
        "set_alpha_to_one",
        "clip_sample",
        "skip_prk_steps",
    }
)
_FILL_WORDS: dict[float, tuple[str, ...]] = {0.0: ("zero",), 1.0: ("ones",)}
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def _unstated_settings(question: AnyQuestion, at: Loc) -> list[Lint]:
    probe: Probe | None = getattr(question, "probe", None)
    if probe is None:
        return []
    text = question.prompt
    lowered = text.lower()
    shape_answer = probe.observe.endswith(".shape")
    ignored = _irrelevant_fields(probe.observe, probe.step)
    missing: list[str] = []
    for name in Probe.model_fields:
        value = getattr(probe, name)
        if name in _NEVER_STATED or name in ignored:
            continue
        # `scheduler` has no default: every prompt names it.
        if name != "scheduler" and value == getattr(_DEFAULTS, name):
            continue
        if name in _SIZE_FIELDS and not shape_answer:
            continue
        if "{" + name + "}" in text or f"`{name}`" in text:
            continue
        if not _stated(name, value, probe, lowered):
            missing.append(name)
    if not missing:
        return []
    return [
        Lint(
            (*at, "prompt"),
            f"{question.id}: the prompt does not state {', '.join(missing)}, which the "
            "answer depends on",
        )
    ]


def _irrelevant_fields(observe: str, step: int) -> frozenset[str]:
    """Probe fields that cannot change what `observe` reads, so a prompt may omit them."""
    ignored: set[str] = set()
    values = observe.startswith(("prev_sample", "pred_original_sample", "noise_pred.std"))
    if not values or observe.endswith((".shape", ".dtype")):
        ignored |= {"latents", "noise_pred"}  # schedules, scalars, names and shapes
    if observe.endswith((".shape", ".dtype")) or observe in ("order",):
        ignored |= {"num_inference_steps", "step"}
    if observe.endswith(".shape"):
        ignored.add("scheduler")
    if observe == "raises" and step == 0:
        ignored.add("num_inference_steps")  # the first iteration fails or not whatever N is
    if observe.startswith("alphas_cumprod["):
        ignored |= {"scheduler", "num_inference_steps"}
    return frozenset(ignored)


def _stated(name: str, value: object, probe: Probe, lowered: str) -> bool:
    if name == "scheduler":
        return any(alias.lower() in lowered for alias in _aliases(str(value)))
    if name == "model":
        return value == "none" or any(w in lowered for w in str(value).lower().split("-"))
    if name == "mistake":
        return any(word in lowered for word in _MISTAKE_WORDS.get(str(value), ()))
    if name == "scheduler_config":
        assert isinstance(value, dict)
        return all(_config_stated(k, v, lowered) for k, v in value.items())
    if name in ("latents", "noise_pred") and f"{{{name}.fill}}" in lowered:
        return True  # a family's placeholder shows the fill of every variant
    if name in ("latents", "noise_pred"):
        if isinstance(value, Fill):
            words = _FILL_WORDS.get(value.fill, ())
            return _number_in(value.fill, lowered) or any(w in lowered for w in words)
        return True  # random draws: nothing a learner could compute is hidden
    if name == "step":
        assert isinstance(value, int)
        ordinal = _ORDINALS[value] if value < len(_ORDINALS) else ""
        return (
            _number_in(value, lowered)
            or _number_in(value + 1, lowered)
            or (bool(ordinal) and ordinal in lowered)
        )
    if name == "latent_shape":
        assert isinstance(value, list)
        return all(_number_in(n, lowered) for n in value)
    if name == "guidance_scale" and probe.guidance_scale > 1:
        return _number_in(float(str(value)), lowered) or "guidance" in lowered
    if name in ("dtype",):
        return (
            str(value) in lowered
            or {"float16": "fp16", "bfloat16": "bf16"}.get(str(value), "\0") in lowered
        )
    if name == "eta":
        return "eta" in lowered or "η" in lowered
    if name == "guidance_rescale":
        return "guidance_rescale" in lowered or "rescale" in lowered
    if isinstance(value, bool | str):
        return str(value).lower() in lowered or name in lowered
    if isinstance(value, int | float):
        return _number_in(value, lowered) or name in lowered
    return name in lowered


def _config_stated(key: str, value: object, lowered: str) -> bool:
    if key.lower() in lowered or key.replace("_", " ") in lowered:
        return True
    if key in _SD_KEYS and any(word in lowered for word in _SD_WORDS):
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return _number_in(value, lowered)
    return value is not None and str(value).lower() in lowered


def _number_in(number: float, lowered: str) -> bool:
    for match in _NUMBER.finditer(_spaced(lowered)):
        try:
            found = float(match.group().replace("−", "-"))
        except ValueError:
            continue
        if math.isclose(found, float(number), rel_tol=1e-9, abs_tol=1e-12):
            return True
    return False


# --- author words in learner text ---------------------------------------------------------


def _author_words(question: AnyQuestion, at: Loc) -> list[Lint]:
    places: list[tuple[Loc, str]] = [((*at, "prompt"), question.prompt)]
    places += [((*at, "hints", i), hint) for i, hint in enumerate(question.hints)]
    places.append(((*at, "explanation"), question.explanation))
    if isinstance(question, ChoiceQuestion):
        for i, choice in enumerate(question.choices):
            places.append(((*at, "choices", i, "text"), choice.text))
            places.append(((*at, "choices", i, "why"), choice.why or ""))
    if isinstance(question, FlashcardQuestion | ExplainQuestion):
        places.append(((*at, "answer"), question.answer))
    if isinstance(question, ExplainQuestion):
        places += [((*at, "rubric", i), item) for i, item in enumerate(question.rubric)]
    for i, trap in enumerate(getattr(question, "traps", [])):
        places.append(((*at, "traps", i, "why"), trap.why))
    lints = []
    for loc, text in places:
        match = _AUTHOR_WORDS.search(text)
        if match:
            lints.append(
                Lint(
                    loc,
                    f"{question.id}: author word {match.group()!r} in learner text; say what "
                    "diffusers does instead",
                )
            )
    return lints


def _correct_of(question: AnyQuestion, correct: Mapping[str, frozenset[int]]) -> frozenset[int]:
    if not isinstance(question, ChoiceQuestion):
        return frozenset()
    if question.probe is not None:
        return correct.get(question.id, frozenset())
    return frozenset(i for i, choice in enumerate(question.choices) if choice.correct)
