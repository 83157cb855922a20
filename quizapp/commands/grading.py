"""Headless grading: `quizapp grade` and `quizapp check`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from quizapp.commands.authoring import registry_for
from quizapp.commands.common import Context, UserError, open_store, pass_context
from quizapp.grading.check import check_question
from quizapp.grading.errors import ProbeFailed
from quizapp.grading.formatting import format_value
from quizapp.grading.grader import Reference, correct_choices
from quizapp.grading.parsers import AnswerSyntaxError
from quizapp.grading.qtypes import reference_kind
from quizapp.grading.service import GradingService
from quizapp.packs.errors import PackLoadError
from quizapp.packs.lint import lint_pack
from quizapp.packs.loader import LoadedPack, load_pack
from quizapp.packs.models import AnyQuestion, ChoiceQuestion, Value
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
@click.argument("answer")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_context
def grade(ctx: Context, pack: str, question: str, answer: str, as_json: bool) -> None:
    """Grade ANSWER to QUESTION of PACK (a pack id or a pack file) without the TUI.

    Exits 0 whether the answer is right or wrong, 1 when it could not be graded
    (the reference could not be computed), 2 on bad input.
    """
    loaded = find_pack(ctx, pack)
    found = loaded.pack.question(question)
    if found is None:
        raise UserError(f"pack {loaded.id!r} has no question {question!r}")
    with grading_service() as service:
        try:
            result = service.grade(found, answer, loaded.path.parent)
        except AnswerSyntaxError as error:
            raise UserError(str(error)) from None
    if as_json:
        click.echo(json.dumps(result.as_json()))
    else:
        verdict = {True: "correct", False: "wrong", None: "not graded"}[result.correct]
        click.echo(f"{verdict}: expected {result.expected}, got {result.got}")
        if result.detail:
            click.echo(result.detail)
        if result.trap:
            click.echo(f"trap: {result.trap}")
        for line in result.trace:
            click.echo(f"  {line}")
    if result.correct is None and not found.self_rated:
        raise SystemExit(1)


@dataclass(frozen=True)
class CheckRow:
    """One line of `quizapp check`: what the probe computed and the verdict."""

    pack: str
    question: str
    observe: str | None
    value: Any
    expect: Any
    ok: bool
    error: str | None
    warnings: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "pack": self.pack,
            "question": self.question,
            "observe": self.observe,
            "value": self.value,
            "expect": self.expect,
            "ok": self.ok,
            "error": self.error,
        }


def check_one(service: GradingService, loaded: LoadedPack, question: AnyQuestion) -> CheckRow:
    """Run `question`'s probe (or take its typed answer) and judge expect and traps."""
    probe = getattr(question, "probe", None)
    observe = probe.observe if probe is not None else None
    expect = getattr(question, "expect", None)
    try:
        reference = service.reference(question, loaded.path.parent)
    except ProbeFailed as failure:
        return CheckRow(loaded.id, question.id, observe, None, expect, False, failure.reason)
    if reference is None:
        return CheckRow(loaded.id, question.id, observe, None, expect, True, None)
    verdict = check_question(question, reference)
    error = "; ".join(verdict.errors) or None
    return CheckRow(
        loaded.id,
        question.id,
        observe,
        reference.value,
        expect,
        verdict.ok,
        error,
        verdict.warnings,
    )


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
            executed = question.executed
            row = check_one(service, loaded, question)
            if executed and row.value is not None:
                computed.setdefault(loaded.id, {})[question.id] = row.value
                if isinstance(question, ChoiceQuestion):
                    reference = Reference(value=row.value)
                    picked = correct_choices(question, reference)
                    correct.setdefault(loaded.id, {})[question.id] = picked
            # Typed questions are checked too (a trap inside the tolerance), but only
            # reported when something is wrong: `check` is about executed answers.
            if executed or not row.ok or row.warnings:
                rows.append(row)
                if not as_json:
                    echo_row(row, question)
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


def echo_row(row: CheckRow, question: AnyQuestion) -> None:
    """`pack/question  observe = value  ok` and the reasons, one per line."""
    kind = reference_kind(question)
    shown = format_value(row.value, kind) if (kind and row.value is not None) else "-"
    status = "ok" if row.ok else "FAIL"
    observed = f"{row.observe} = " if row.observe else "answer = "
    click.echo(f"{status:4}  {row.pack}/{row.question}  {observed}{shown}")
    if row.error:
        click.echo(f"      {row.error}")
    for warning in row.warnings:
        click.echo(f"      warning: {warning}")
