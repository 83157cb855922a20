"""`quizapp check` of one question across its variants: examples, traps, useless traps.

A question without `vary` is one variant (settings None). For each variant the question is
pinned, its reference computed (by the caller's `reference_of`), its computed traps run
(by `run`), and the pinned question judged by `check_question`, with the matching
example's `expect` as its expect. Pure: running probes is the caller's job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from quizapp.grading.check import check_question
from quizapp.grading.compare import values_match
from quizapp.grading.computed_traps import ProbeRunner, computed_values
from quizapp.grading.errors import ProbeFailed
from quizapp.grading.formatting import format_value
from quizapp.grading.grader import Reference
from quizapp.grading.qtypes import reference_kind
from quizapp.packs.families import Settings, is_family, pin, variants
from quizapp.packs.models import AnyQuestion, Tolerance, Trap, Value

#: Two computed values are "the same answer" only when exactly equal.
_EXACT = Tolerance(rel=0.0, abs=0.0)

ReferenceOf = Callable[[AnyQuestion], Reference | None]


@dataclass(frozen=True)
class VariantVerdict:
    """What `check` reports for one variant (one `--json` row).

    Attributes:
        settings: The variant's settings; None for a question without `vary`.
        value: What its probe computed (or the typed answer); None when it failed.
        expect: The author's expectation for it (`expect`, or the matching example's).
        ok: No errors.
        error: The errors, joined; None when ok.
        warnings: One line each.
    """

    settings: Settings | None
    value: Value | None
    expect: Value | None
    ok: bool
    error: str | None
    warnings: tuple[str, ...] = ()


def check_variants(
    question: AnyQuestion, reference_of: ReferenceOf, run: ProbeRunner
) -> list[VariantVerdict]:
    """Judge every variant of `question`; a useless computed trap fails its first row."""
    family = is_family(question)
    all_settings: list[Settings | None] = list(variants(question)) if family else [None]
    traps: list[Trap] = getattr(question, "traps", [])
    useful = {i: False for i, trap in enumerate(traps) if trap.computed is not None}
    verdicts: list[VariantVerdict] = []
    for settings in all_settings:
        verdict, distinct = _check_one(question, settings, reference_of, run)
        verdicts.append(verdict)
        for i in distinct:
            useful[i] = True
    useless = [traps[i] for i, seen in useful.items() if not seen]
    if useless and verdicts and verdicts[0].value is not None:
        names = ", ".join(str(trap.computed) for trap in useless)
        where = "in every variant" if family else ""
        message = f"computed trap {names} equals the answer or has no value {where}".strip()
        first = verdicts[0]
        error = f"{first.error}; {message}" if first.error else message
        verdicts[0] = VariantVerdict(
            first.settings, first.value, first.expect, False, error, first.warnings
        )
    return verdicts


def example_expect(question: AnyQuestion, settings: Settings) -> Value | None:
    """The `expect` of the example that names exactly this variant, if any."""
    for example in getattr(question, "examples", []):
        if all(example.where.get(key) == value for key, value in settings.items()):
            expect: Value = example.expect
            return expect
    return None


def _check_one(
    question: AnyQuestion, settings: Settings | None, reference_of: ReferenceOf, run: ProbeRunner
) -> tuple[VariantVerdict, list[int]]:
    if settings is None:
        pinned, expect = question, getattr(question, "expect", None)
    else:
        expect = example_expect(question, settings)
        pinned = pin(question, settings).model_copy(update={"expect": expect})
    try:
        reference = reference_of(pinned)
    except ProbeFailed as failure:
        return VariantVerdict(settings, None, expect, False, failure.reason), []
    if reference is None:
        return VariantVerdict(settings, None, expect, True, None), []
    kind = reference_kind(pinned)
    kept: list[Trap] = []
    distinct: list[int] = []
    for index, (trap, value) in enumerate(computed_values(pinned, run)):
        if trap.computed is None:
            kept.append(trap)
        elif (
            value is not None
            and kind is not None
            and not values_match(value, reference.value, kind, _EXACT)
        ):
            distinct.append(index)
            kept.append(trap.model_copy(update={"answer": value}))
    judged = pinned.model_copy(update={"traps": kept}) if hasattr(pinned, "traps") else pinned
    verdict = check_question(judged, reference)
    errors = list(verdict.errors)
    # Name the computed trap in its error: its value alone does not say where it came from.
    for trap in kept:
        if trap.computed is not None and kind is not None and trap.answer is not None:
            shown = format_value(trap.answer, kind)
            errors = [
                e.replace(f"trap {shown} ", f"trap {trap.computed} = {shown} ") for e in errors
            ]
    error = "; ".join(errors) or None
    return (
        VariantVerdict(settings, reference.value, expect, not errors, error, verdict.warnings),
        distinct,
    )
