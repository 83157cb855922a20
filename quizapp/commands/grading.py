"""Headless grading: `quizapp grade` and `quizapp check`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from quizapp.boundedread import UnreadableAnswer, read_answer_file
from quizapp.commands.authoring import registry_for
from quizapp.commands.code_output import echo_code_result
from quizapp.commands.common import Context, open_store, pass_context
from quizapp.commands.errors import UserError
from quizapp.grading.code_check import check_code_question
from quizapp.grading.errors import ProbeFailed
from quizapp.grading.formatting import format_value
from quizapp.grading.grader import Reference, correct_choices
from quizapp.grading.parsers import AnswerSyntaxError
from quizapp.grading.qtypes import question_type, reference_kind
from quizapp.grading.qtypes.base import HarnessQuestion
from quizapp.grading.service import GradingService
from quizapp.grading.variant_check import check_variants
from quizapp.packs.errors import PackLoadError
from quizapp.packs.families import Settings, describe, is_family, parse_settings, pin
from quizapp.packs.lint import lint_pack
from quizapp.packs.loader import LoadedPack, load_pack
from quizapp.packs.models import AnyQuestion, ChoiceQuestion, Probe, Value
from quizapp.packs.yamlnodes import compose, locate
from quizapp.store.db import Store


@contextmanager
def grading_service() -> Iterator[GradingService]:
    """A service whose probe cache is the user's store; the worker is closed on exit.

    The cache is best effort: when the store cannot be opened (read-only, corrupt), grading
    goes on with an in-memory cache and a one-line note.
    """
    try:
        store: Store | None = open_store()
    except UserError as error:
        click.echo(f"quizapp: note: {error.format_message()}; results are not cached", err=True)
        store = None
    service = GradingService(cache=store)
    try:
        yield service
    finally:
        service.close()
        if store is not None:
            store.close()


def find_pack(ctx: Context, pack: str) -> LoadedPack:
    """A pack by id among the loaded ones, or by file path."""
    path = Path(pack)
    try:
        exists = path.exists()
    except (OSError, ValueError):  # a name too long for the file system is no file
        exists = False
    if path.suffix in (".yaml", ".yml") or (exists and not path.is_dir()):
        if not exists:
            raise UserError(f"no such pack file: {pack[:200]}")
        try:
            return load_pack(path)
        except PackLoadError as error:
            raise UserError(f"{error.errors[0]} ({len(error.errors)} error(s))") from None
    registry = ctx.registry()
    loaded = registry.get(pack)
    if loaded is None:
        known = ", ".join(sorted(registry.packs)) or "none"
        raise UserError(f"unknown pack {pack!r} (loaded: {known})")
    return loaded


# An answer may start with a dash (`-6.77`): unknown "options" are kept as arguments.
@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("pack")
@click.argument("question")
@click.argument("answer", required=False)
@click.option(
    "--file",
    "answer_file",
    metavar="PATH",
    help="Read the answer (for code questions: the source) from PATH; `-` reads stdin.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--variant",
    "variant",
    multiple=True,
    metavar="KEY=VALUE",
    help="For a family: the variant to grade (repeat for every vary key).",
)
@pass_context
def grade(
    ctx: Context,
    pack: str,
    question: str,
    answer: str | None,
    answer_file: str | None,
    as_json: bool,
    variant: tuple[str, ...],
) -> None:
    """Grade ANSWER (or --file PATH) to QUESTION of PACK (a pack id or a pack file).

    For a code question the answer is Python source, run on the harness's cases; it runs
    as you, on this machine. A family question needs --variant KEY=VALUE for every vary
    key. Exits 0 whether the answer is right or wrong, 1 when it could not be graded (the
    reference could not be computed), 2 on bad input.
    """
    loaded = find_pack(ctx, pack)
    found = loaded.pack.question(question)
    if found is None:
        raise UserError(f"pack {loaded.id!r} has no question {question!r}")
    answer = read_answer(answer, answer_file)
    found = _pinned(found, list(variant))
    with grading_service() as service:
        try:
            result = service.grade(found, answer, loaded.path.parent)
        except AnswerSyntaxError as error:
            raise UserError(str(error)) from None
    if as_json:
        click.echo(json.dumps(result.as_json()))
    elif question_type(found).harness_run is not None:
        echo_code_result(result)
    else:
        verdict = {True: "correct", False: "wrong", None: "not graded"}[result.correct]
        click.echo(f"{verdict}: expected {result.expected}, got {result.got}")
        if result.detail:
            click.echo(result.detail)
        if result.trap:
            source = f" ({result.trap_source})" if result.trap_source else ""
            click.echo(f"trap{source}: {result.trap}")
        for line in result.trace:
            click.echo(f"  {line}")
    if result.correct is None and not found.self_rated:
        raise SystemExit(1)


def read_answer(answer: str | None, answer_file: str | None) -> str:
    """The answer given inline, or read from `answer_file` (`-`: stdin)."""
    if answer is not None and answer_file is not None:
        raise UserError("give the answer or --file, not both")
    if answer_file is None:
        if answer is None:
            raise UserError("missing the answer: give ANSWER or --file PATH")
        return answer
    try:
        return read_answer_file(answer_file)
    except UnreadableAnswer as error:
        raise UserError(str(error)) from None


def _pinned(question: AnyQuestion, pairs: list[str]) -> AnyQuestion:
    """The variant named by `--variant` pairs; the question itself when it is no family."""
    vary = getattr(question, "vary", None)
    if not is_family(question) or vary is None:
        if pairs:
            raise UserError(f"question {question.id!r} has no `vary`: drop --variant")
        return question
    if not pairs:
        keys = ", ".join(f"{key}=…" for key in vary)
        raise UserError(f"question {question.id!r} is a family: pass --variant {keys}")
    settings, reason = parse_settings(pairs, vary)
    if settings is None:
        raise UserError(reason)
    return pin(question, settings)


@dataclass(frozen=True)
class CheckRow:
    """One row of `quizapp check`: one variant, what its probe computed, the verdict."""

    pack: str
    question: str
    observe: str | None
    value: Any
    expect: Any
    ok: bool
    error: str | None
    warnings: tuple[str, ...] = ()
    variant: Settings | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "pack": self.pack,
            "question": self.question,
            "variant": self.variant,
            "observe": self.observe,
            "value": self.value,
            "expect": self.expect,
            "ok": self.ok,
            "error": self.error,
        }


def check_one(service: GradingService, loaded: LoadedPack, question: AnyQuestion) -> list[CheckRow]:
    """Run `question`'s probe in every variant (or take its typed answer) and judge its
    examples, expect and traps, computed ones included: one row per variant."""
    probe = getattr(question, "probe", None)
    observe = probe.observe if probe is not None else None
    pack_dir = loaded.path.parent

    def run(other: Probe) -> Value | None:
        try:
            value: Value = service.probe_value(other, pack_dir)
        except ProbeFailed:
            return None
        return value

    verdicts = check_variants(question, lambda q: service.reference(q, pack_dir), run)
    return [
        CheckRow(
            loaded.id,
            question.id,
            observe,
            v.value,
            v.expect,
            v.ok,
            v.error,
            v.warnings,
            v.settings,
        )
        for v in verdicts
    ]


def check_code(service: GradingService, loaded: LoadedPack, question: HarnessQuestion) -> CheckRow:
    """Run the question's solution, starter and its harness's mistake examples."""
    grader = service.code_grader()
    try:
        examples = service.code_examples().get(question.harness, {})
        found = check_code_question(grader, question, examples)
    except ProbeFailed as failure:
        return CheckRow(loaded.id, question.id, None, None, None, False, failure.reason)
    error = "; ".join(found.verdict.errors) or None
    return CheckRow(loaded.id, question.id, None, found.summary, None, found.verdict.ok, error)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of results.")
@click.option("--strict", is_flag=True, help="Fail on warnings too (giveaways, loose tolerances).")
@pass_context
def check(ctx: Context, paths: tuple[str, ...], as_json: bool, strict: bool) -> None:
    """Run every probe of the packs in PATHS (default: all loaded packs).

    Prints each computed answer; exits 1 where an `expect` differs from what diffusers
    computes, a trap would be graded correct, or a pack does not validate. Giveaways in
    the prose (packs/lint.py) are printed as `warning: path:line: …`; with --strict any
    warning fails the check.
    """
    registry = registry_for(ctx, paths)
    for pack_error in registry.errors:
        click.echo(str(pack_error), err=True)
    rows: list[CheckRow] = []
    computed: dict[str, dict[str, Value]] = {}
    correct: dict[str, dict[str, frozenset[int]]] = {}
    with grading_service() as service:
        for loaded, question in registry.questions():
            harness_run = question_type(question).harness_run
            if harness_run is not None:
                row = check_code(service, loaded, harness_run.question(question))
                rows.append(row)
                if not as_json:
                    echo_rows([row], question)
                continue
            executed = question.executed
            found = check_one(service, loaded, question)
            # The lints read one computed value per question: a family's first variant.
            row = found[0]
            if executed and row.value is not None:
                computed.setdefault(loaded.id, {})[question.id] = row.value
                if isinstance(question, ChoiceQuestion):
                    reference = Reference(value=row.value)
                    picked = correct_choices(question, reference)
                    correct.setdefault(loaded.id, {})[question.id] = picked
            # Typed questions are checked too (a trap inside the tolerance), but only
            # reported when something is wrong: `check` is about executed answers.
            if executed or any(not row.ok or row.warnings for row in found):
                rows.extend(found)
                if not as_json:
                    echo_rows(found, question)
    lints = [
        line
        for loaded in registry.packs.values()
        for line in lint_lines(loaded, computed.get(loaded.id, {}), correct.get(loaded.id, {}))
    ]
    failed = [row for row in rows if not row.ok]
    warnings = sum(len(r.warnings) for r in rows) + len(lints)
    if as_json:
        click.echo(json.dumps([row.as_json() for row in rows], indent=2))
        for line in lints:
            click.echo(line, err=True)
    else:
        for line in lints:
            click.echo(line)
        click.echo(
            f"{len(rows)} checked, {len(failed)} failed, {warnings} warning(s)"
            + (" (--strict: warnings fail)" if strict and warnings else ""),
            err=True,
        )
    if failed or registry.errors or (strict and warnings):
        raise SystemExit(1)


def lint_lines(
    loaded: LoadedPack, computed: dict[str, Value], correct: dict[str, frozenset[int]]
) -> list[str]:
    """`warning: path:line: message` for every giveaway in the pack."""
    found = lint_pack(loaded.pack, computed, correct)
    if not found:
        return []
    root = compose(loaded.path.read_text(encoding="utf-8"))
    return [
        f"warning: {loaded.path}:{locate(root, lint.loc)[0] + 1}: {lint.message}" for lint in found
    ]


def echo_rows(rows: list[CheckRow], question: AnyQuestion) -> None:
    """One line per question (`pack/question  observe = value`, or its variant count for a
    family), then each failing variant and reason, one per line."""
    kind = reference_kind(question)
    first = rows[0]
    status = "ok" if all(row.ok for row in rows) else "FAIL"
    observed = f"{first.observe}" if first.observe else "answer"
    harness_run = question_type(question).harness_run
    if harness_run is not None:
        harness = harness_run.question(question).harness
        click.echo(f"{status:4}  {first.pack}/{first.question}  {harness}: {first.value or '-'}")
    elif first.variant is None:
        shown = format_value(first.value, kind) if (kind and first.value is not None) else "-"
        click.echo(f"{status:4}  {first.pack}/{first.question}  {observed} = {shown}")
    else:
        failed = sum(not row.ok for row in rows)
        note = f", {failed} failed" if failed else ""
        click.echo(
            f"{status:4}  {first.pack}/{first.question}  {observed}: {len(rows)} variants{note}"
        )
    for row in rows:
        if row.error:
            where = f"[{describe(row.variant)}] " if row.variant is not None else ""
            click.echo(f"      {where}{row.error}")
    for warning in dict.fromkeys(w for row in rows for w in row.warnings):
        click.echo(f"      warning: {warning}")
