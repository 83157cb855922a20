"""The feedback of a code question: a row per case, what the code printed, the solution."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Static

from quizapp.grading.code_result import CaseVerdict, CodeRun
from quizapp.widgets.code_excerpt import CodeExcerpt


def case_table(run: CodeRun) -> Table:
    """One row per case: ✓/✗, its settings, the comparison or the error, the mistake."""
    table = Table(box=None, show_edge=False, pad_edge=False, expand=False)
    table.add_column("", width=1)
    table.add_column("case", overflow="fold")
    table.add_column("result", overflow="fold")
    table.add_column("mistake", overflow="fold")
    for case in run.cases:
        mark = Text("✓", style="bold green") if case.ok else Text("✗", style="bold red")
        table.add_row(mark, case.case, _outcome(case), case.mistake or "")
    return table


def _outcome(case: CaseVerdict) -> Text:
    if case.error:
        return Text(case.error)
    if case.max_abs_err is None:
        return Text("")
    verdict = "within" if case.ok else "outside"
    return Text(f"max |err| {case.max_abs_err:.3g}, {verdict} {case.tolerance}")


class CodeRunView(Vertical):
    """Shows one `CodeRun`."""

    DEFAULT_CSS = """
    CodeRunView { height: auto; }
    CodeRunView #cases { margin-bottom: 1; }
    CodeRunView #run-error { color: $error; margin-bottom: 1; }
    CodeRunView #output {
        color: $text-muted; padding: 0 1; border-left: wide $primary; margin-bottom: 1;
    }
    CodeRunView .label { color: $text-muted; }
    """

    def __init__(self, run: CodeRun, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.run = run

    def compose(self) -> ComposeResult:
        run = self.run
        if run.cases:
            yield Static(case_table(run), id="cases")
        elif run.error:
            yield Static(run.error, id="run-error", markup=False)
        if run.output:
            cut = f" (first 4 KB of {run.output_bytes} bytes)" if run.output_cut else ""
            yield Label(f"Your code printed{cut}:", classes="label")
            yield Static(run.output.rstrip("\n"), id="output", markup=False)
        if run.solution:
            yield Label("Reference solution:", classes="label")
            yield CodeExcerpt(run.solution, id="solution")
