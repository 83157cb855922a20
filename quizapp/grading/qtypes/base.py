"""What every question type shares: the reference, the registry entry, result builders.

A question type is one module in this package (`numeric.py`, `choice.py`, ...) that grades
answers to one model of `packs/models.py` and calls `register` once at import. The grader
looks the type up by the question's `type:`; the UI picks the input widget by the same name
(`widgets/inputs.py`). docs/architecture.md, "Adding a question type", walks through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from quizapp.grading.compare import values_match
from quizapp.grading.formatting import format_number
from quizapp.grading.result import GradeResult
from quizapp.grading.values import ValueKind
from quizapp.packs.models import (
    AnyQuestion,
    Probe,
    QuestionModel,
    Tolerance,
    Trap,
    Value,
    type_name,
)

if TYPE_CHECKING:
    from quizapp.grading.code_grading import CodeGrader

Q = TypeVar("Q", bound=QuestionModel)

#: Digits shown when two different numbers look equal at the usual 6 significant digits.
_PRECISE_DIGITS = 12


@dataclass(frozen=True)
class Reference:
    """The answer an attempt is compared with.

    Attributes:
        value: The author's typed answer, or the value the probe computed.
        trace: For a probe, what ran (versions, scheduler, t, shapes); copied to the result.
    """

    value: Value
    trace: tuple[str, ...] = ()


#: Grades an answer (raw text) against a reference; raises `AnswerSyntaxError` for text
#: that cannot be read as the type. Self-rated types receive None.
Grade = Callable[[Any, str, Reference | None], GradeResult]


class HarnessQuestion(Protocol):
    """What a harness run reads off a question: the harness, its cases, the sources."""

    @property
    def id(self) -> str: ...

    @property
    def harness(self) -> str: ...

    @property
    def cases(self) -> list[dict[str, int | float | str]] | None: ...

    @property
    def timeout(self) -> float: ...

    @property
    def solution(self) -> str: ...

    @property
    def starter(self) -> str: ...


@dataclass(frozen=True)
class HarnessRun:
    """The capability of a type graded by a harness run: its answer is source code, run on
    the question's cases in the code server (never in this process), and that run is the
    reference its `grade` reads. The service starts the code server for it, `quizapp check`
    runs its solution, starter and mistakes, and screens say the code is running.

    Attributes:
        reference: Runs a source through the code server's client: the reference to grade
            that source by.
        question: The question as a harness run reads it.
    """

    reference: Callable[[CodeGrader, Any, str], Reference]
    question: Callable[[Any], HarnessQuestion]


@dataclass(frozen=True)
class QuestionType:
    """One question type: its model and how its answers are graded.

    Attributes:
        name: The `type:` value in a pack ("numeric").
        model: The pydantic model in `packs/models.py`.
        grade: Grades an answer; for objective types the reference is never None.
        typed_reference: The reference an author typed into the pack, if any (None with a
            probe, whose reference is computed, and for self-rated types).
        reference_kind: What the reference is compared as (None: nothing comparable, as for
            self-rated types and a choice question without a probe).
        budget_seconds: A mock interview's time for a difficulty-3 question of this type,
            as an interviewer would allow (`study/mock_plan.py` scales it by difficulty).
        harness_run: Set for a type graded by a harness run (see `HarnessRun`); callers ask
            for it instead of naming the type.
    """

    name: str
    model: type[QuestionModel]
    grade: Grade
    typed_reference: Callable[[Any], Reference | None]
    reference_kind: Callable[[Any], ValueKind | None]
    budget_seconds: int
    harness_run: HarnessRun | None = None


_REGISTRY: dict[str, QuestionType] = {}


def register(
    model: type[Q],
    grade: Callable[[Q, str, Reference], GradeResult],
    typed_reference: Callable[[Q], Reference | None],
    reference_kind: ValueKind | Callable[[Q], ValueKind | None],
    *,
    budget_seconds: int,
    harness_run: HarnessRun | None = None,
) -> QuestionType:
    """Register an objective type, graded by comparison (call once, at the end of its module).

    Args:
        model: The question's model; its `type` literal names the type.
        grade: Parses the answer (raising `AnswerSyntaxError`) and compares it with the
            reference: the probe's computed value, else `typed_reference`'s.
        typed_reference: The reference the author typed into the pack, or None (a probe's
            question, or one without a typed answer).
        reference_kind: What the reference is compared as: one kind, or a function of the
            question (a text question compares a name with a probe, free text without).
        budget_seconds: Its mock-interview time at difficulty 3.
        harness_run: For a type graded by a harness run: how it runs (see `HarnessRun`).
    """

    def run(question: Any, answer: str, reference: Reference | None) -> GradeResult:
        if reference is None:
            return GradeResult.ungraded("the reference answer was not computed", answer)
        return grade(question, answer, reference)

    kind: Callable[[Any], ValueKind | None]
    if isinstance(reference_kind, str):
        fixed: ValueKind = reference_kind

        def kind(question: Any) -> ValueKind | None:
            return fixed
    else:
        kind = reference_kind
    entry = QuestionType(
        type_name(model), model, run, typed_reference, kind, budget_seconds, harness_run
    )
    return _add(entry)


def register_self_rated(
    model: type[Q], grade: Callable[[Q, str], GradeResult], *, budget_seconds: int
) -> QuestionType:
    """Register a self-rated type: `grade` shows the model answer, the learner rates.

    Args:
        model: The question's model (its `self_rated` is True).
        grade: Shows the model answer (and rubric); nothing is compared.
        budget_seconds: Its mock-interview time at difficulty 3.
    """
    if not model.self_rated:
        raise ValueError(f"{model.__name__} is not self-rated (set `self_rated = True`)")

    def run(question: Any, answer: str, reference: Reference | None) -> GradeResult:
        return grade(question, answer)

    def no_reference(question: Any) -> Reference | None:
        return None

    def no_kind(question: Any) -> ValueKind | None:
        return None

    return _add(QuestionType(type_name(model), model, run, no_reference, no_kind, budget_seconds))


def _add(entry: QuestionType) -> QuestionType:
    if entry.name in _REGISTRY:
        raise ValueError(f"question type {entry.name!r} is registered twice")
    _REGISTRY[entry.name] = entry
    return entry


def question_type(question: AnyQuestion) -> QuestionType:
    """The registered type of `question`.

    Raises:
        LookupError: For a model whose type module was never imported (a wiring bug).
    """
    try:
        return _REGISTRY[question.type]
    except KeyError:
        raise LookupError(f"no question type module registers {question.type!r}") from None


def registered() -> Iterator[QuestionType]:
    """Every registered type, in registration order."""
    return iter(list(_REGISTRY.values()))


class _TypedAnswer(Protocol):
    @property
    def probe(self) -> Probe | None: ...

    @property
    def answer(self) -> Value | None: ...


def typed_answer(question: _TypedAnswer) -> Reference | None:
    """The `typed_reference` of a type whose reference is its `answer:` field (numeric,
    shape, sequence): None with a probe, whose reference is computed, or with no answer."""
    if question.probe is not None or question.answer is None:
        return None
    return Reference(question.answer)


# -- building results: shared by the type modules ----------------------------------------


def result(
    correct: bool,
    expected: str,
    got: str,
    detail: str,
    reference: Reference,
    trap: str | None = None,
) -> GradeResult:
    """A graded result carrying the reference's trace."""
    return GradeResult(
        correct=correct, expected=expected, got=got, detail=detail, trace=reference.trace, trap=trap
    )


def unreadable(reference: Reference, kind: ValueKind, got: str) -> GradeResult:
    """The reference is not of the question's kind: a pack or worker bug, not the learner's."""
    return GradeResult.ungraded(
        f"the reference {reference.value!r} is not a {kind}", got, reference.trace
    )


def matching_trap(traps: list[Trap], got: object, kind: ValueKind, tol: Tolerance) -> Trap | None:
    """The first trap whose answer the learner's answer is within tolerance of."""
    return next((trap for trap in traps if values_match(got, trap.answer, kind, tol)), None)


def wrong(
    expected: str, got: str, lead: str, reason: str, trap: Trap | None, reference: Reference
) -> GradeResult:
    """A wrong answer; a trap's `why` explains it better than the mechanical reason."""
    if trap is not None:
        return result(False, expected, got, f"{lead}: {trap.why}", reference, trap=trap.why)
    detail = f"{lead}; {reason}" if reason else lead
    return result(False, expected, got, detail, reference)


def show_pair(expected: float, got: float) -> tuple[str, str]:
    """Both numbers at 6 significant digits, or more when that would make them look equal."""
    shown = format_number(expected), format_number(got)
    if shown[0] == shown[1] and expected != got:
        return f"{expected:.{_PRECISE_DIGITS}g}", f"{got:.{_PRECISE_DIGITS}g}"
    return shown
