"""Computed traps: `{observe: X}` and `{mistake: M}` turned into values for one variant.

A computed trap is a probe of its own: the question's probe observing X instead, or run
with mistake M. Running it is the caller's job (`run` returns the value, or None when the
run failed, e.g. the mistake made the loop raise); this module builds the probes and keeps
the traps that mean something in this variant. Pure: no torch.
"""

from __future__ import annotations

from collections.abc import Callable

from quizapp.grading.compare import values_match
from quizapp.grading.qtypes import reference_kind
from quizapp.packs.models import (
    DEFAULT_TOLERANCE,
    AnyQuestion,
    NumericQuestion,
    Probe,
    SequenceQuestion,
    Tolerance,
    Trap,
    Value,
)

#: Runs one probe; None when it gives no value (it raised, or the worker failed).
ProbeRunner = Callable[[Probe], Value | None]


def trap_probe(probe: Probe, trap: Trap) -> Probe | None:
    """The probe that computes `trap` in the variant of `probe`; None for a typed trap.

    A mistake trap replaces the probe's own mistake for that run.
    """
    if trap.observe is not None:
        return probe.model_copy(update={"observe": trap.observe.replace(" ", "")})
    if trap.mistake is not None:
        return probe.model_copy(update={"mistake": trap.mistake})
    return None


def computed_probes(question: AnyQuestion) -> list[Probe]:
    """Every probe the question's computed traps need (for prefetch and `check`)."""
    probe: Probe | None = getattr(question, "probe", None)
    if probe is None:
        return []
    found = [trap_probe(probe, trap) for trap in getattr(question, "traps", [])]
    return [p for p in found if p is not None]


def computed_values(question: AnyQuestion, run: ProbeRunner) -> list[tuple[Trap, Value | None]]:
    """Each trap with its value in this variant: typed as written, computed by `run`."""
    traps: list[Trap] = getattr(question, "traps", [])
    probe: Probe | None = getattr(question, "probe", None)
    found: list[tuple[Trap, Value | None]] = []
    for trap in traps:
        other = trap_probe(probe, trap) if probe is not None else None
        found.append((trap, trap.answer if other is None else run(other)))
    return found


def resolve_traps(question: AnyQuestion, answer: Value, run: ProbeRunner) -> AnyQuestion:
    """The question with each computed trap's value filled in, for grading.

    A computed trap without a value in this variant, or equal to the answer (the CFG trap
    at guidance 1.0), is dropped here: it is not a wrong answer in this variant. Typed traps
    are kept as written. Resolved traps keep `observe`/`mistake`, which name them.
    """
    traps: list[Trap] = getattr(question, "traps", [])
    if not any(trap.computed is not None for trap in traps):
        return question
    kind = reference_kind(question)
    resolved: list[Trap] = []
    for trap, value in computed_values(question, run):
        if trap.computed is None:
            resolved.append(trap)
        elif (
            value is not None
            and kind is not None
            and not values_match(value, answer, kind, tolerance_of(question))
        ):
            resolved.append(trap.model_copy(update={"answer": value}))
    return question.model_copy(update={"traps": resolved})


def unresolved(trap: Trap) -> bool:
    """A computed trap whose value in this variant is not known yet (`resolve_traps` fills
    it, or drops the trap)."""
    return trap.computed is not None and trap.answer is None


def needs_resolving(question: AnyQuestion) -> bool:
    """Whether the question has a computed trap without its value yet."""
    return any(unresolved(trap) for trap in getattr(question, "traps", []))


def without_unresolved_traps(question: AnyQuestion) -> AnyQuestion:
    """The question with only the traps whose value is known (typed, or resolved)."""
    if not needs_resolving(question):
        return question
    kept = [trap for trap in getattr(question, "traps", []) if not unresolved(trap)]
    return question.model_copy(update={"traps": kept})


def tolerance_of(question: AnyQuestion) -> Tolerance:
    """The question's tolerance, or the default one."""
    if isinstance(question, NumericQuestion | SequenceQuestion) and question.tolerance:
        return question.tolerance
    return DEFAULT_TOLERANCE


def computed_trap_named(question: AnyQuestion, why: str | None) -> Trap | None:
    """The computed trap whose `why` the grader reported, so JSON can name it."""
    if why is None:
        return None
    traps: list[Trap] = getattr(question, "traps", [])
    return next((t for t in traps if t.why == why and t.computed is not None), None)
