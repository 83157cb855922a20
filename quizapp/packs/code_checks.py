"""Semantic checks of code excerpts and `code` questions (see `packs/semantics.py`).

A pack is data: the starter and solution are compiled here, never run; running them is
`quizapp check`'s job, in the learner sandbox.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from quizapp.packs.harnesses import HARNESSES, case_problems
from quizapp.packs.models import AnyQuestion, CodeQuestion

Loc = tuple[int | str, ...]
Issue = tuple[Loc, str]


def check_excerpt(question: AnyQuestion) -> Iterator[Issue]:
    """`highlight` names lines of `code`, and only with `code`."""
    if question.code is None:
        if question.highlight:
            yield ("highlight",), "`highlight` needs a `code` excerpt"
        return
    lines = len(question.code.rstrip("\n").splitlines())
    for index, line in enumerate(question.highlight):
        if line > lines:
            yield ("highlight", index), f"line {line} is past the end of `code` ({lines} lines)"


def check_code_question(question: CodeQuestion) -> Iterator[Issue]:
    """Starter and solution compile and define the harness's function; cases fit it."""
    spec = HARNESSES[question.harness]
    for field in ("starter", "solution"):
        source: str = getattr(question, field)
        try:
            tree = ast.parse(source)
        except SyntaxError as error:
            yield (field,), f"{field} line {error.lineno}: {error.msg}"
            continue
        defined = {
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        if spec.function not in defined:
            yield (field,), f"{field} must define {spec.signature} (harness {spec.name})"
    if question.cases is not None:
        if not question.cases:
            yield ("cases",), "`cases` is empty: leave it out to use the harness's defaults"
        for index, name, message in case_problems(question.harness, question.cases):
            yield ("cases", index, name), message
