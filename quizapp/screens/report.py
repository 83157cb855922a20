"""The mock-interview report: score, by topic and objective, time per question, every answer.

`w` practises the weakest objective (the questions that cover it); `m` exports the report as
Markdown into the data dir's `reports/` and says where.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Markdown, Static

from quizapp import locations
from quizapp.screens.messages import PracticeRequested
from quizapp.study.clock import minutes_seconds as clock
from quizapp.study.practice import PracticeOptions
from quizapp.study.report import (
    MockReport,
    ReportItem,
    Score,
    practice_target,
    replay_command,
)
from quizapp.study.report_markdown import question_section, to_markdown

BAR_WIDTH = 10


def outcome(item: ReportItem) -> Text:
    """The result column: right, wrong, rubric share, skipped, missed, not graded."""
    if item.status == "skipped":
        return Text("skipped", style="dim")
    if item.status == "missed":
        return Text("missed", style="red")
    if item.type == "explain":
        return Text(f"rubric {item.credit:.0%}", style="yellow" if item.credit < 1 else "green")
    if item.correct is None:
        return Text("not graded", style="dim")
    if item.correct:
        return Text("right", style="green")
    return Text("wrong" + (" (trap)" if item.trap else ""), style="red")


def score_table(title: str, scores: dict[str, Score]) -> Table:
    """A table of groups with a bar and a percentage each."""
    table = Table(title=title, title_justify="left", box=None, padding=(0, 1), expand=False)
    table.add_column(title.split()[-1].capitalize())
    table.add_column("Score")
    table.add_column("Qs", justify="right")
    for key, score in scores.items():
        filled = round(score.fraction * BAR_WIDTH)
        bar = Text("█" * filled, style="green")
        bar.append("░" * (BAR_WIDTH - filled), style="dim")
        bar.append(f" {score.fraction:4.0%}")
        table.add_row(key, bar, str(score.questions))
    return table


def summary_text(report: MockReport) -> str:
    """The top lines: score, time used against the total clock, pauses, what next."""
    paused = f" · paused {clock(report.paused_seconds)}" if report.paused_seconds else ""
    scored = sum(item.scored for item in report.items)
    early = "[b]Ended early.[/] " if report.ended_early else ""
    replay = replay_command(report)
    seed = f" · seed {report.seed} ([b]{replay}[/] replays it)" if replay else ""
    return (
        f"{early}[b]Score {report.score:.0%}[/] · "
        f"{scored} of {len(report.items)} questions scored · "
        f"{clock(report.elapsed_seconds)} used of {clock(report.budget_seconds)}{paused}"
        f"{seed}\n{report.suggestion}"
    )


def export_path(report: MockReport) -> Path:
    """Where `m` writes this report: one file per interview, named by its start time."""
    return locations.reports_dir() / f"mock-{report.started_at:%Y%m%d-%H%M%S}.md"


class ReportScreen(Screen[None]):
    """Shows one report; `escape`/`q` goes back to where the interview was started."""

    DEFAULT_CSS = """
    ReportScreen #report { padding: 1 2; }
    ReportScreen #report-summary { margin-bottom: 1; }
    ReportScreen #report-scores { height: auto; margin-bottom: 1; }
    ReportScreen #report-topics, ReportScreen #report-objectives { width: 1fr; height: auto; }
    ReportScreen #report-questions { height: auto; margin-bottom: 1; }
    ReportScreen #report-export { color: $success; margin-bottom: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w", "practise_weakest", "Practise weakest"),
        Binding("m", "export", "Export Markdown"),
        Binding("escape,q", "close", "Home"),
    ]

    def __init__(self, report: MockReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        report = self.report
        yield Header()
        with VerticalScroll(id="report"):
            yield Static(summary_text(report), id="report-summary")
            with Horizontal(id="report-scores"):
                yield Static(score_table("By topic", report.by_topic), id="report-topics")
                yield Static(
                    score_table("By objective", report.by_objective), id="report-objectives"
                )
            yield DataTable(id="report-questions", cursor_type="row", zebra_stripes=True)
            yield Static("", id="report-export", markup=False)
            details = [
                line for n, item in enumerate(report.items, 1) for line in question_section(n, item)
            ]
            yield Markdown("\n".join(details), id="report-details")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#report-export").display = False
        table = self.query_one("#report-questions", DataTable)
        table.add_columns("#", "Question", "Topic", "Result", "Time", "Budget")
        for number, item in enumerate(self.report.items, start=1):
            over = item.over_budget
            table.add_row(
                str(number),
                item.question_id,
                item.topic,
                outcome(item),
                Text(clock(item.seconds), style="bold red" if over else ""),
                clock(item.budget),
            )

    def action_practise_weakest(self) -> None:
        """Practise the weakest objective: its due and new questions, else all of them."""
        target = practice_target(self.report)
        if target is None:
            self.notify("Full marks: nothing weak to practise. Try a longer mock.")
            return
        # The interview just rescheduled these questions; drill them anyway if none is due.
        self.post_message(PracticeRequested(PracticeOptions(target), cram_if_none_due=True))

    def action_export(self) -> None:
        """Write the report as Markdown into the data dir and say where.

        In a browser (`quizapp serve`) the file belongs on the learner's machine, not the
        server's: it is delivered as a download instead.
        """
        path = export_path(self.report)
        if self.app.is_web:
            self.app.deliver_text(
                io.StringIO(to_markdown(self.report)),
                save_filename=path.name,
                mime_type="text/markdown",
            )
            self.notify(f"Downloading {path.name}", title="Markdown")
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(to_markdown(self.report), encoding="utf-8")
        except OSError as error:
            self.notify(f"Could not write {path}: {error.strerror}", severity="error")
            return
        label = self.query_one("#report-export", Static)
        label.update(f"Exported to {path}")
        label.display = True
        self.notify(f"Report exported to {path}", title="Markdown")

    def action_close(self) -> None:
        """Back to the screen the interview was started from."""
        self.dismiss()
