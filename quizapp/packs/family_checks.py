"""Validation of families, placeholders, examples and computed traps.

Run by the loader after `semantics.check_pack`. An issue may point inside a string (a
placeholder in a prompt): it then carries the placeholder's text and occurrence so the
loader can turn it into the exact line and column.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from quizapp.packs.families import (
    FILL_KEYS,
    MAX_VARIANTS,
    PROSE_FIELDS,
    Settings,
    apply,
    describe,
    is_vary_key,
    known_values,
    placeholders,
    show_value,
    variant_count,
    variants,
)
from quizapp.packs.models import AnyQuestion, Pack, Probe
from quizapp.packs.semantics import Loc, probe_issues, value_issues
from quizapp.packs.vocabulary import observable_kind

#: Variant probe problems reported per question, so a bad vary list does not print 64 lines.
_MAX_VARIANT_ISSUES = 3


@dataclass(frozen=True)
class FamilyIssue:
    """One problem, at a pydantic-style location.

    Attributes:
        loc: Path to the YAML node.
        message: One line.
        at_key: Point at the mapping key named by the last part of `loc`, not its value.
        needle: Text inside the node's scalar to point at (a placeholder), if any.
        occurrence: Which occurrence of `needle` (0-based) in the scalar's value.
    """

    loc: Loc
    message: str
    at_key: bool = False
    needle: str | None = None
    occurrence: int = 0


def check_families(pack: Pack, pack_dir: Path | None) -> list[FamilyIssue]:
    """Every family, placeholder, example and computed-trap problem of `pack`."""
    issues: list[FamilyIssue] = []
    for index, question in enumerate(pack.questions):
        at: Loc = ("questions", index)
        for issue in _check_question(question, pack_dir):
            issues.append(
                FamilyIssue(
                    (*at, *issue.loc), issue.message, issue.at_key, issue.needle, issue.occurrence
                )
            )
    return issues


def _check_question(question: AnyQuestion, pack_dir: Path | None) -> Iterator[FamilyIssue]:
    probe: Probe | None = getattr(question, "probe", None)
    vary = getattr(question, "vary", None)
    examples = getattr(question, "examples", [])
    if probe is None:
        if vary is not None:
            yield FamilyIssue(("vary",), "`vary` needs a `probe`: a family runs its variants")
        if examples:
            yield FamilyIssue(("examples",), "`examples` need a `vary` block and a `probe`")
        yield from _computed_traps_need_probe(question)
        return
    good_keys = True
    if vary is not None:
        good_keys = not (bad := list(_check_vary(probe, vary)))
        yield from bad
    if vary and good_keys:
        yield from _check_variants(question, probe, pack_dir)
    yield from _check_placeholders(question, probe, vary or {})
    if vary:
        if getattr(question, "expect", None) is not None:
            yield FamilyIssue(
                ("expect",), "a family's expected values go in `examples` (one per variant)"
            )
        if not examples:
            yield FamilyIssue(("vary",), "a family needs at least one entry in `examples`")
        if good_keys:
            yield from _check_examples(question, probe, vary)
    elif examples:
        yield FamilyIssue(("examples",), "`examples` need a `vary` block; use `expect`")
    yield from _check_traps(question, probe, pack_dir)


def _check_vary(probe: Probe, vary: dict[str, list[object]]) -> Iterator[FamilyIssue]:
    for key, values in vary.items():
        if key == "observe":
            yield FamilyIssue(
                ("vary", key), "`observe` cannot vary: it is what the question asks", at_key=True
            )
            continue
        if not is_vary_key(key):
            yield FamilyIssue(
                ("vary", key),
                f"unknown vary key {key!r}: use a probe field, scheduler_config.KEY, "
                f"{' or '.join(sorted(FILL_KEYS))}",
                at_key=True,
            )
            continue
        seen: list[object] = []
        for j, value in enumerate(values):
            if any(value == old and type(value) is type(old) for old in seen):
                yield FamilyIssue(("vary", key, j), f"{key}: {value!r} is listed twice")
            seen.append(value)
            try:
                apply(probe, {key: value})  # type: ignore[dict-item]
            except ValidationError as error:
                reason = error.errors()[0]["msg"].removeprefix("Value error, ")
                yield FamilyIssue(("vary", key, j), f"{key}: {value!r}: {reason}")
    count = variant_count(vary)  # type: ignore[arg-type]
    if count > MAX_VARIANTS:
        sizes = " x ".join(str(len(v)) for v in vary.values())
        yield FamilyIssue(
            ("vary",),
            f"{sizes} = {count} variants; a family may have at most {MAX_VARIANTS}",
        )


def _check_variants(
    question: AnyQuestion, probe: Probe, pack_dir: Path | None
) -> Iterator[FamilyIssue]:
    """Each variant's probe must make sense (e.g. the observable exists for its scheduler)."""
    if variant_count(question.vary) > MAX_VARIANTS:  # type: ignore[union-attr]
        return
    reported = 0
    seen: set[str] = set()
    for settings in variants(question):
        try:
            concrete = apply(probe, settings)
        except ValidationError as error:
            message = f"variant {describe(settings)}: {error.errors()[0]['msg']}"
            problems = [message]
        else:
            problems = [
                f"variant {describe(settings)}: {message}"
                for _, message in probe_issues(concrete, question, pack_dir)
            ]
        for message in problems:
            key = message.split(": ", 1)[1]
            if key in seen or reported >= _MAX_VARIANT_ISSUES:
                continue
            seen.add(key)
            reported += 1
            yield FamilyIssue(("vary",), message)


def _check_placeholders(
    question: AnyQuestion, probe: Probe, vary: dict[str, list[object]]
) -> Iterator[FamilyIssue]:
    first: Settings = {key: values[0] for key, values in vary.items()}  # type: ignore[misc]
    known = set(known_values(probe, {})) | set(first)
    shown: set[str] = set()
    for field in PROSE_FIELDS:
        texts: list[tuple[Loc, str]]
        value = getattr(question, field)
        if isinstance(value, list):
            texts = [((field, j), text) for j, text in enumerate(value)]
        else:
            texts = [((field,), value)]
        for loc, text in texts:
            counts: dict[str, int] = {}
            for placeholder in placeholders(text):
                needle = "{" + placeholder.name + "}"
                occurrence = counts.get(needle, 0)
                counts[needle] = occurrence + 1
                if field == "prompt":
                    shown.add(placeholder.name)
                if placeholder.name not in known:
                    yield FamilyIssue(
                        loc,
                        f"placeholder {needle} is neither a vary key nor a probe field "
                        f"(write {{{needle}}} for the literal text {needle})",
                        needle=needle,
                        occurrence=occurrence,
                    )
    for key in vary:
        if key not in shown and is_vary_key(key):
            yield FamilyIssue(
                ("vary", key),
                f"vary key {key!r} is not shown in the prompt: add {{{key}}} so the learner "
                "knows the setting",
                at_key=True,
            )


def _check_examples(
    question: AnyQuestion, probe: Probe, vary: dict[str, list[object]]
) -> Iterator[FamilyIssue]:
    kind = observable_kind(probe.observe)
    for index, example in enumerate(question.examples):  # type: ignore[union-attr]
        at: Loc = ("examples", index)
        for key, value in example.where.items():
            if key not in vary:
                yield FamilyIssue((*at, "where", key), f"{key!r} is not a vary key", at_key=True)
            elif not any(value == listed for listed in vary[key]):
                listed = ", ".join(show_value(v) for v in vary[key])  # type: ignore[arg-type]
                yield FamilyIssue(
                    (*at, "where", key), f"{key}={show_value(value)} is not listed ({listed})"
                )
        missing = [key for key in vary if key not in example.where]
        if missing:
            yield FamilyIssue(
                (*at, "where"), f"example does not say which variant: missing {', '.join(missing)}"
            )
        if kind is not None:
            for loc, message in value_issues(example.expect, kind, (*at, "expect")):
                yield FamilyIssue(loc, message)


def _check_traps(
    question: AnyQuestion, probe: Probe, pack_dir: Path | None
) -> Iterator[FamilyIssue]:
    kind = observable_kind(probe.observe)
    for index, trap in enumerate(getattr(question, "traps", [])):
        at: Loc = ("traps", index)
        given = [
            name for name in ("answer", "observe", "mistake") if getattr(trap, name) is not None
        ]
        if len(given) != 1:
            yield FamilyIssue(
                at,
                "a trap needs exactly one of `answer`, `observe` or `mistake`"
                + (f" (got {', '.join(given)})" if given else ""),
            )
            continue
        if trap.observe is not None:
            trap_kind = observable_kind(trap.observe)
            if trap_kind is None:
                yield FamilyIssue((*at, "observe"), f"unknown observable {trap.observe!r}")
            elif trap.observe.replace(" ", "") == probe.observe:
                yield FamilyIssue((*at, "observe"), "this is the question's own observable")
            elif trap_kind != kind:
                yield FamilyIssue(
                    (*at, "observe"),
                    f"{trap.observe!r} yields a {trap_kind}, the question's answer is a {kind}",
                )
            else:
                other = probe.model_copy(update={"observe": trap.observe.replace(" ", "")})
                for _, message in probe_issues(other, question, pack_dir):
                    yield FamilyIssue((*at, "observe"), message)
        if trap.mistake is not None and trap.mistake in ("none", probe.mistake):
            yield FamilyIssue(
                (*at, "mistake"), f"mistake {trap.mistake!r} is how the probe already runs"
            )


def _computed_traps_need_probe(question: AnyQuestion) -> Iterator[FamilyIssue]:
    for index, trap in enumerate(getattr(question, "traps", [])):
        if trap.computed is not None:
            yield FamilyIssue(
                ("traps", index), "a computed trap (`observe`/`mistake`) needs a `probe`"
            )
        elif trap.answer is None:
            yield FamilyIssue(("traps", index), "a trap needs `answer`, `observe` or `mistake`")
