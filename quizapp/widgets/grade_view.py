"""A graded answer: verdict, expected vs typed, the trap's why, explanation, trace of the step.

Shared by the feedback screen and the browse screen's try-it screen (`screens/try_question.py`).
"""

from __future__ import annotations

from dataclasses import replace

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Markdown, Static

from quizapp.grading.result import GradeResult
from quizapp.packs.models import AnyQuestion
from quizapp.textsafe import safe_text
from quizapp.widgets.code_run_view import CodeRunView


def verdict(result: GradeResult, question: AnyQuestion) -> tuple[str, str]:
    """The headline and its CSS class: right, wrong, self-rated or ungraded."""
    if result.correct is True:
        return "✔ Right", "right"
    if result.correct is False:
        return "✘ Wrong", "wrong"
    if question.self_rated:
        return "Compare with the answer, then rate yourself", "self"
    return "? Could not grade", "ungraded"


class GradeView(Vertical):
    """Shows `result` for `question`; while `result` is None, shows `pending` instead."""

    DEFAULT_CSS = """
    GradeView { height: auto; }
    GradeView #verdict { text-style: bold; margin-bottom: 1; }
    GradeView #verdict.right { color: $success; }
    GradeView #verdict.wrong { color: $error; }
    GradeView #verdict.ungraded { color: $warning; }
    GradeView #verdict.self { color: $accent; }
    GradeView #pending { color: $warning; }
    GradeView .label { color: $text-muted; }
    GradeView #trap { color: $warning; margin-top: 1; }
    GradeView #explanation { margin-top: 1; }
    GradeView #trace {
        color: $text-muted; margin-top: 1; padding: 0 1; border-left: wide $primary;
    }
    """

    result: reactive[GradeResult | None] = reactive(None, recompose=True)
    pending: reactive[str] = reactive("grading…", recompose=True)

    def __init__(self, question: AnyQuestion, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.question = question

    def compose(self) -> ComposeResult:
        result = self.result
        if result is None:
            yield Static(self.pending, id="pending", markup=False)
            return
        result = _shown(result)
        headline, kind = verdict(result, self.question)
        yield Static(headline, id="verdict", classes=kind, markup=False)
        if result.code is not None:
            yield Static(result.detail, id="detail", markup=False)
            yield CodeRunView(result.code, id="code-run")
            if self.question.explanation:
                yield Markdown(self.question.explanation, id="explanation")
            return
        # A trap's why is shown on its own line; a detail that repeats it adds nothing.
        repeats_trap = result.trap is not None and result.trap in result.detail
        if result.detail and kind != "self" and not repeats_trap:
            yield Static(result.detail, id="detail", markup=False)
        if result.expected:
            label = "Answer" if kind == "self" else "Expected"
            yield Static(f"[b]{label}:[/] {_escape(result.expected)}", id="expected")
        if result.got and self.question.type != "flashcard":
            yield Static(f"[b]You answered:[/] {_escape(result.got)}", id="got")
        if result.trap:
            yield Static(f"Trap: {result.trap}", id="trap", markup=False)
        if self.question.explanation:
            yield Markdown(self.question.explanation, id="explanation")
        if result.trace:
            yield Static("What ran (the real step):", classes="label")
            yield Static("\n".join(result.trace), id="trace", markup=False)


def _shown(result: GradeResult) -> GradeResult:
    """The result with its texts (answers, worker errors, cached traces) safe to draw."""
    return replace(
        result,
        expected=safe_text(result.expected),
        got=safe_text(result.got),
        detail=safe_text(result.detail),
        trace=tuple(safe_text(line) for line in result.trace),
        trap=None if result.trap is None else safe_text(result.trap),
    )


def _escape(text: str) -> str:
    # Shapes like [2, 4, 64, 64] would otherwise be read as markup tags.
    return escape(text)
