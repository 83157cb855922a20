"""Stats: reviews, retention and due counts per pack, flags for authors, mock interviews."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from quizapp.screens.context import StudyContext
from quizapp.study.stats import collect_stats, flag_lines, headline, pack_rows


class StatsScreen(Screen[None]):
    """The same numbers as `quizapp stats`, read when the screen opens."""

    DEFAULT_CSS = """
    StatsScreen #stats { padding: 1 2; }
    StatsScreen #stats-headline { margin-bottom: 1; }
    StatsScreen #stats-packs { height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back"),
    ]

    def __init__(self, context: StudyContext) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        context = self.context
        stats = collect_stats(context.registry, context.store, context.clock())
        yield Header()
        with VerticalScroll(id="stats"):
            yield Static(f"[b]{headline(stats)}[/]", id="stats-headline")
            table: DataTable[str | int] = DataTable(id="stats-packs", cursor_type="row")
            table.add_columns("Pack", "Reviews", "Retention", "Due", "New", "Flags")
            for row in pack_rows(stats):
                new = "-" if row.new is None else row.new
                table.add_row(row.name, row.reviews, row.retention_text, row.due, new, row.flags)
            yield table
            flags = flag_lines(stats)
            title = "Flagged for their authors" if flags else "No question flagged."
            yield Static(f"\n[b]{title}[/]", id="stats-flags-title")
            if flags:
                yield Static("\n".join(flags), id="stats-flags", markup=False)
        yield Footer()

    def action_close(self) -> None:
        """Back to where stats were opened from."""
        self.dismiss()
