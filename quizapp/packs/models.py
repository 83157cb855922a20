"""Pydantic models of the pack format (docs/authoring.md; docs/architecture.md for the code).

Field names are a contract shared with authors, tests and tools: extend, never rename.
Every model forbids unknown keys so that a typo is an error, not a silently ignored field.
Checks that need more than one field (a choice question has a correct choice, `expect`
matches the observable's kind, ...) live in `packs/semantics.py`, where they can point
at the exact YAML node.
"""

from __future__ import annotations

import difflib
from typing import Annotated, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from quizapp.packs.harnesses import HARNESSES, describe_harnesses
from quizapp.packs.vocabulary import (
    SCHEDULERS,
    Mistake,
    describe_observables,
    observable_kind,
)

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
QUESTION_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
#: Ids are shown in lists, file names and store keys: long enough to say what, short enough to
#: show. (`quizapp new` and the loader share these limits.)
MAX_ID_LENGTH = 64
MAX_QUESTION_ID_LENGTH = 100
MODEL_NONE = "none"

#: A reference value: a shape (ints), a number, a name, or a list of numbers.
Value = int | float | str | list[int] | list[float]


class _Strict(BaseModel):
    # nan and inf are never a meaningful answer, tolerance or guidance scale.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Objective(_Strict):
    """One thing the lab teaches; questions name the objectives they cover."""

    id: Annotated[
        str,
        Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH, description="Unique inside the pack."),
    ]
    kind: Literal["mechanism", "checkpoint", "trap", "interview"]
    text: str


class PackHeader(_Strict):
    """The `pack:` block."""

    id: Annotated[
        str,
        Field(
            pattern=ID_PATTERN,
            max_length=MAX_ID_LENGTH,
            description="[a-z0-9-]+, unique across loaded packs.",
        ),
    ]
    title: str
    version: Annotated[int, Field(ge=1)] = 1
    description: str = ""
    source: str | None = Field(default=None, description="The lab or handbook section.")
    objectives: list[Objective] = Field(default_factory=list)


class Tolerance(_Strict):
    """|got - expected| <= max(rel * |expected|, abs)."""

    rel: Annotated[float, Field(ge=0)] = 1e-3
    abs: Annotated[float, Field(ge=0)] = 1e-6


DEFAULT_TOLERANCE = Tolerance()


class Trap(_Strict):
    """A classic wrong answer and why it is wrong.

    Exactly one of `answer` (typed), `observe` or `mistake` (computed in each variant:
    the value of another observable, or the question's observable under a classic mistake).
    """

    answer: Value | None = None
    observe: str | None = Field(
        default=None, description="Computed: this observable's value in the same variant."
    )
    mistake: Mistake | None = Field(
        default=None, description="Computed: the question's observable when run with it."
    )
    why: str

    @property
    def computed(self) -> str | None:
        """The observable or mistake a computed trap is named by; None for a typed one."""
        return self.observe if self.observe is not None else self.mistake


#: A value a `vary` list may hold: what a probe field or a scheduler_config entry takes.
VaryValue = bool | int | float | str


class Example(_Strict):
    """An author's spot check of one variant: `check` fails when `expect` differs."""

    where: dict[str, VaryValue] = Field(description="A value for every `vary` key.")
    expect: Value


class Fill(_Strict):
    """A tensor filled with one value, exactly (not scaled by init_noise_sigma)."""

    fill: float


class Probe(_Strict):
    """The executed reference: one denoising loop whose `observe`d value is the answer.

    Defaults and semantics: docs/authoring.md, "Probes: the executed reference".
    """

    model: str = Field(
        default="tiny-sd",
        description="A bundled model id, a path to a diffusers model folder, or `none`.",
    )
    scheduler: str = Field(description="A scheduler class name exported by diffusers.")
    scheduler_config: dict[str, int | float | str | bool | list[float] | None] = Field(
        default_factory=dict,
        description="Overrides merged over the model's scheduler config.",
    )
    num_inference_steps: Annotated[int, Field(ge=1, le=1000)] = 50
    step: Annotated[int, Field(ge=0, le=2000)] = 0
    height: Annotated[int, Field(ge=8, le=2048)] = 512
    width: Annotated[int, Field(ge=8, le=2048)] = 512
    latent_shape: (
        Annotated[list[Annotated[int, Field(ge=1, le=512)]], Field(min_length=4, max_length=5)]
        | None
    ) = Field(
        default=None,
        description="The latents' shape as drawn, overriding the model's: (B, C, H, W), or "
        "(B, C, F, H, W) for video.",
    )
    batch_size: Annotated[int, Field(ge=1, le=16)] = 1
    num_images_per_prompt: Annotated[int, Field(ge=1, le=8)] = 1
    guidance_scale: float = Field(
        default=1.0, description="CFG's scale (CFG runs above 1); Flux embeds it as `guidance`."
    )
    true_cfg_scale: Annotated[float, Field(ge=0, le=100)] = Field(
        default=1.0,
        description="Flux: above 1, real CFG, a second transformer call on the negative prompt.",
    )
    num_frames: Annotated[int, Field(ge=1, le=257)] = Field(
        default=1, description="Video (Wan): frames; (num_frames - 1) // 4 + 1 latent frames."
    )
    max_sequence_length: Annotated[int, Field(ge=1, le=512)] | None = Field(
        default=None,
        description="SD3, Flux, Wan: T5 tokens (SD3 adds CLIP's 77); None: the pipeline's "
        "default (256 for SD3, 512 for Flux and Wan).",
    )
    original_size: (
        Annotated[list[Annotated[int, Field(ge=1, le=8192)]], Field(min_length=2, max_length=2)]
        | None
    ) = Field(default=None, description="SDXL time ids: (height, width); None: the image size.")
    crops_coords_top_left: (
        Annotated[list[Annotated[int, Field(ge=0, le=8192)]], Field(min_length=2, max_length=2)]
        | None
    ) = Field(default=None, description="SDXL time ids: (top, left) of the crop; None: (0, 0).")
    target_size: (
        Annotated[list[Annotated[int, Field(ge=1, le=8192)]], Field(min_length=2, max_length=2)]
        | None
    ) = Field(default=None, description="SDXL time ids: (height, width); None: the image size.")
    controlnet: str | None = Field(
        default=None,
        description="A ControlNet model (bundled id or folder) steering an SD 1.5 `model`.",
    )
    controlnet_conditioning_scale: Annotated[float, Field(ge=0, le=10)] = Field(
        default=1.0, description="What the ControlNet's residuals are multiplied by."
    )
    prompt_length: Annotated[int, Field(ge=1, le=512)] = 77
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    latents: Literal["random"] | Fill = "random"
    noise_pred: Literal["model", "random"] | Fill = "model"
    mistake: Mistake = "none"
    eta: Annotated[float, Field(ge=0, le=10)] | None = Field(
        default=None,
        description="Passed to `scheduler.step` where it takes `eta` (DDIM); None: its default.",
    )
    guidance_rescale: Annotated[float, Field(ge=0, le=1)] = Field(
        default=0.0, description="Under CFG, diffusers' rescale_noise_cfg with this factor."
    )
    strength: Annotated[float, Field(gt=0, le=1)] | None = Field(
        default=None,
        description="img2img: start part-way (get_timesteps) from `latents` noised by add_noise.",
    )
    denoising_start: Annotated[float, Field(gt=0, lt=1)] | None = Field(
        default=None, description="SDXL refiner hand-off: keep the timesteps below the cutoff."
    )
    denoising_end: Annotated[float, Field(gt=0, lt=1)] | None = Field(
        default=None, description="SDXL base hand-off: stop at the timesteps below the cutoff."
    )
    dtype: Literal["float32", "float16", "bfloat16"] = Field(
        default="float32",
        description="dtype of the latents and the stand-in noise_pred (scheduler math only).",
    )
    observe: str = Field(description="What to read off the step: " + describe_observables())

    @field_validator("scheduler")
    @classmethod
    def _known_scheduler(cls, name: str) -> str:
        if name not in SCHEDULERS:
            close = difflib.get_close_matches(name, sorted(SCHEDULERS), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ValueError(f"unknown scheduler {name!r}{hint}")
        return name

    @field_validator("observe")
    @classmethod
    def _known_observable(cls, observe: str) -> str:
        if observable_kind(observe) is None:
            raise ValueError(f"unknown observable {observe!r}; one of: {describe_observables()}")
        return observe.replace(" ", "") if "[" in observe else observe


class Choice(_Strict):
    """One option of a choice question."""

    text: str
    correct: bool = False
    why: str | None = Field(default=None, description="Shown when this wrong choice is picked.")
    value: Value | None = Field(
        default=None, description="With a probe: the choice equal to the result is correct."
    )


class _QuestionBase(_Strict):
    id: Annotated[str, Field(pattern=QUESTION_ID_PATTERN, max_length=MAX_QUESTION_ID_LENGTH)]
    origin: Literal["mechanism", "checkpoint", "trap", "interview"]
    topic: Annotated[str, Field(min_length=1)]
    difficulty: Annotated[int, Field(ge=1, le=5)]
    tags: list[str] = Field(default_factory=list)
    covers: list[str] = Field(default_factory=list)
    prompt: Annotated[str, Field(min_length=1)]
    hints: list[str] = Field(default_factory=list)
    explanation: str = ""
    code: str | None = Field(
        default=None, description="A Python excerpt shown above the prompt, with line numbers."
    )
    highlight: list[Annotated[int, Field(ge=1)]] = Field(
        default_factory=list, description="Lines of `code` (1-based) the prompt refers to."
    )

    #: Rated by the learner (no comparison grades it); such a type cannot have a probe.
    self_rated: ClassVar[bool] = False

    @property
    def executed(self) -> bool:
        """True when the reference answer comes from running a probe."""
        return getattr(self, "probe", None) is not None


class _Probed(_QuestionBase):
    probe: Probe | None = None
    expect: Value | None = Field(
        default=None, description="What the author believes the probe returns; `check` verifies."
    )
    vary: dict[str, Annotated[list[VaryValue], Field(min_length=1)]] | None = Field(
        default=None,
        description="A family: probe fields (or scheduler_config.KEY, latents.fill, "
        "noise_pred.fill) to lists of values; every combination is a variant.",
    )
    examples: list[Example] = Field(
        default_factory=list, description="Spot checks of a family's variants."
    )


class _Trapped(_Probed):
    traps: list[Trap] = Field(default_factory=list)


class FlashcardQuestion(_QuestionBase):
    type: Literal["flashcard"]
    self_rated: ClassVar[bool] = True
    answer: Annotated[str, Field(min_length=1)]


class ChoiceQuestion(_Probed):
    type: Literal["choice"]
    choices: Annotated[list[Choice], Field(min_length=2, max_length=6)]
    multiple: bool = False


class TextQuestion(_Trapped):
    type: Literal["text"]
    accept: list[str] = Field(default_factory=list)
    accept_regex: str | None = None


class NumericQuestion(_Trapped):
    type: Literal["numeric"]
    answer: float | None = None
    tolerance: Tolerance | None = None


class ShapeQuestion(_Trapped):
    type: Literal["shape"]
    answer: list[Annotated[int, Field(ge=0)]] | None = None


class SequenceQuestion(_Trapped):
    type: Literal["sequence"]
    answer: list[float] | None = None
    tolerance: Tolerance | None = None


class ExplainQuestion(_QuestionBase):
    type: Literal["explain"]
    self_rated: ClassVar[bool] = True
    answer: Annotated[str, Field(min_length=1, description="The model answer shown after.")]
    rubric: Annotated[list[str], Field(min_length=1)]


class CodeQuestion(_QuestionBase):
    """The learner writes a function; a built-in harness runs it on seeded cases."""

    type: Literal["code"]
    harness: str = Field(description="A built-in harness: " + describe_harnesses())
    starter: Annotated[str, Field(min_length=1, description="Shown in the editor at first.")]
    solution: Annotated[str, Field(min_length=1, description="The reference solution.")]
    cases: list[dict[str, int | float | str]] | None = Field(
        default=None, description="Replace the harness's default cases (plain values)."
    )
    timeout: Annotated[float, Field(gt=0, le=10)] = Field(
        default=10.0, description="Wall-clock seconds the learner's code may run (at most 10)."
    )

    @field_validator("harness")
    @classmethod
    def _known_harness(cls, name: str) -> str:
        if name not in HARNESSES:
            close = difflib.get_close_matches(name, sorted(HARNESSES), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ValueError(f"unknown harness {name!r}{hint}; one of: {', '.join(HARNESSES)}")
        return name


AnyQuestion = (
    FlashcardQuestion
    | ChoiceQuestion
    | TextQuestion
    | NumericQuestion
    | ShapeQuestion
    | SequenceQuestion
    | ExplainQuestion
    | CodeQuestion
)
Question = Annotated[AnyQuestion, Field(discriminator="type")]

#: The question classes, in the order authors meet them (docs/authoring.md).
QUESTION_MODELS: tuple[type[AnyQuestion], ...] = get_args(AnyQuestion)


#: The base of every question model (for code that handles any type generically).
QuestionModel = _QuestionBase


def type_name(model: type[QuestionModel]) -> str:
    """The `type:` value that selects `model` in a pack ("numeric" for NumericQuestion)."""
    name: str = get_args(model.model_fields["type"].annotation)[0]
    return name


QUESTION_TYPES: tuple[str, ...] = tuple(type_name(model) for model in QUESTION_MODELS)


class Pack(_Strict):
    """One YAML file: a header and its questions."""

    pack: PackHeader
    questions: Annotated[list[Question], Field(min_length=1)]

    def question(self, question_id: str) -> AnyQuestion | None:
        """The question with this id, or None."""
        for question in self.questions:
            if question.id == question_id:
                return question
        return None
