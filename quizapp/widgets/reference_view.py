"""A question's reference answer as its author needs to see it, with `check`'s verdict.

For an executed question the value is what the probe computed, which can take a while (the
reference worker imports torch), so the view has three states: computing, shown, failed.
Computed traps (`{observe: X}`, `{mistake: M}`) are probes of their own: until the screen
hands over the question with their values for the variant shown, they read "computing…",
and `check` judges the traps already known.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from quizapp.grading.answers import answer_lines
from quizapp.grading.check import check_question
from quizapp.grading.computed_traps import unresolved, without_unresolved_traps
from quizapp.grading.formatting import format_value
from quizapp.grading.grader import Reference
from quizapp.grading.qtypes import reference_kind
from quizapp.packs.models import AnyQuestion
from quizapp.textsafe import safe_text

COMPUTING = "computing… (running the probe in the reference worker)"
STARTING = "computing… (the reference worker is starting: importing torch)"


def reference_text(question: AnyQuestion, reference: Reference | None) -> Text:
    """The whole view: answer, expect, traps, `check`'s errors and warnings, what ran."""
    text = Text()
    for line in answer_lines(question, reference):
        text.append(line + "\n", style="bold")
    expect = getattr(question, "expect", None)
    kind = reference_kind(question)
    if expect is not None and kind is not None:
        text.append(f"Expect: {format_value(expect, kind)}\n")
    for trap in getattr(question, "traps", []):
        if unresolved(trap):
            text.append(f"Trap ({trap.computed}): computing… — {trap.why}\n", style="yellow")
            continue
        shown = format_value(trap.answer, kind) if kind else str(trap.answer)
        label = f"Trap ({trap.computed})" if trap.computed else "Trap"
        text.append(f"{label}: {shown} — {trap.why}\n", style="yellow")
    if reference is not None:
        verdict = check_question(without_unresolved_traps(question), reference)
        for error in verdict.errors:
            text.append(f"check fails: {error}\n", style="bold red")
        for warning in verdict.warnings:
            text.append(f"check warns: {warning}\n", style="yellow")
        if reference.trace:
            text.append("What ran:\n", style="dim")
            for line in reference.trace:  # from the probe cache in the store
                text.append(f"  {safe_text(line)}\n", style="dim")
    text.rstrip()
    return text


class ReferenceView(Static):
    """The reference answer of one question: computing, shown, or failed with a reason."""

    DEFAULT_CSS = """
    ReferenceView { height: auto; margin-top: 1; padding: 0 1; border-left: wide $success; }
    ReferenceView.computing { color: $warning; border-left: wide $warning; }
    ReferenceView.failed { color: $error; border-left: wide $error; }
    """

    def __init__(self, question: AnyQuestion | None = None, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.question = question

    def show_computing(self, message: str = COMPUTING) -> None:
        """The probe is running."""
        self.set_classes("computing")
        self.update(Text(message))

    def show_reference(self, reference: Reference | None) -> None:
        """The reference is known (None: self-rated, nothing to compute)."""
        self.set_classes("")
        if self.question is not None:
            self.update(reference_text(self.question, reference))

    def show_failure(self, reason: str) -> None:
        """The probe could not be run."""
        self.set_classes("failed")
        self.update(Text(f"The probe could not be run: {reason}"))
