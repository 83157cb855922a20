"""Home: every pack with total / due / new counts and a mastery bar; start from here."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from quizapp.screens.messages import (
    BrowseRequested,
    MockRequested,
    PracticeRequested,
    StatsRequested,
)
from quizapp.study.context import StudyContext
from quizapp.widgets.mock_history import MockHistory

if TYPE_CHECKING:
    from quizapp.packs.summary_cache import PackSummary
    from quizapp.study.overview import PackProgress
    from quizapp.study.practice import PracticeOptions

BAR_WIDTH = 12
#: Long titles would push the mastery bar off an 120-column terminal.
TITLE_WIDTH = 40


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _title_cell(title: str, update: tuple[int, int] | None) -> Text:
    """The title, marked when the pack's version went up since the learner last saw it."""
    if update is None:
        return Text(_clip(title, TITLE_WIDTH))
    mark = f" updated v{update[1]}"
    return Text.assemble(_clip(title, TITLE_WIDTH - len(mark)), (mark, "bold cyan"))


def mastery_bar(share: float, width: int = BAR_WIDTH) -> Text:
    """A bar of `width` cells filled to `share` (0..1), with the percentage."""
    filled = round(max(0.0, min(1.0, share)) * width)
    bar = Text("█" * filled, style="green")
    bar.append("░" * (width - filled), style="dim")
    bar.append(f" {share:4.0%}")
    return bar


def practice_options(pack: str, cram: bool = False) -> PracticeOptions:
    """Options of a session on one pack (imported late: see app.py on start-up)."""
    from quizapp.study.planning import Filters
    from quizapp.study.practice import PracticeOptions

    return PracticeOptions(Filters(pack=pack), cram=cram)


class HomeScreen(Screen[None]):
    """The packs and what is due; `enter` practises the highlighted pack."""

    DEFAULT_CSS = """
    HomeScreen #home { padding: 1 2; }
    HomeScreen #home-summary { margin-bottom: 1; }
    HomeScreen #packs { height: auto; max-height: 70%; }
    HomeScreen #pack-errors { color: $error; margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "practice_all", "Practise all"),
        # Priority: the table would otherwise take enter and hide this key from the footer.
        Binding("enter", "practice_pack", "Practise pack", priority=True),
        Binding("c", "cram_pack", "Cram"),
        Binding("m", "mock", "Mock"),
        Binding("b", "browse", "Browse"),
        Binding("t", "stats", "Stats"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, context: StudyContext) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static("", id="home-summary")
            yield DataTable(id="packs", cursor_type="row", zebra_stripes=True)
            yield Static("", id="pack-errors", markup=False)
            yield MockHistory(id="mock-history")
        yield Footer()

    class PacksLoaded(Message):
        """The registry finished loading in the background."""

    def on_mount(self) -> None:
        table = self.query_one("#packs", DataTable)
        table.add_columns("Pack", "Title", "Total", "Due", "New", "Mastery")
        if self.context.packs_loaded:
            self.refresh_packs()
        else:
            # Paint first, then parse the packs: start-up is a budget (see app.py). Counts
            # come from the pack summary cache when it is fresh, so they are in that paint.
            cached = self.context.cached_summaries()
            if cached is not None:
                self.refresh_packs(cached)
            else:
                self.query_one("#home-summary", Static).update("Loading packs…")
            self.call_after_refresh(self.load_packs)
        self.refresh_history()

    @work(thread=True, exclusive=True, group="load-packs")
    def load_packs(self) -> None:
        """Load the registry off the UI thread, then redraw."""
        _ = self.context.registry
        self.post_message(self.PacksLoaded())

    def on_home_screen_packs_loaded(self, event: PacksLoaded) -> None:
        self.refresh_packs()

    def on_screen_resume(self) -> None:
        # Back from a session: counts have changed.
        if self.context.packs_loaded:
            self.refresh_packs()
        self.refresh_history()

    def refresh_history(self) -> None:
        """Redraw the mock-interview history (attempts and score trend)."""
        self.query_one(MockHistory).show(self.context.store.mock_sessions())

    def progress(self, summaries: list[PackSummary] | None = None) -> list[PackProgress]:
        """Current counts of every pack (suspended questions are not due or new)."""
        from quizapp.study.overview import pack_progress

        context = self.context
        packs = summaries if summaries is not None else context.summaries()
        keys = context.store.unsuspended(key for pack in packs for key in pack.keys)
        titles = {pack.pack_id: pack.title for pack in packs}
        return pack_progress(keys, titles, context.store.learned_keys(context.clock()))

    _updates: dict[str, tuple[int, int]] | None = None

    def version_updates(self) -> dict[str, tuple[int, int]]:
        """Packs whose version went up since the last run: found once, then remembered."""
        if self._updates is None:
            from quizapp.packs.updates import version_updates

            packs = self.context.registry.packs
            current = {pack_id: loaded.pack.pack.version for pack_id, loaded in packs.items()}
            self._updates = version_updates(current, self.context.store.seen_versions())
            self.context.store.mark_versions_seen(current)
        return self._updates

    def refresh_packs(self, summaries: list[PackSummary] | None = None) -> None:
        """Redraw the table, the totals line and the load errors.

        Args:
            summaries: Cached pack summaries to count from before the packs are loaded;
                default: the loaded packs (then load errors are shown too).
        """
        packs = self.progress(summaries)
        # Version bumps need the loaded packs: the cached first paint shows none yet.
        updates = self.version_updates() if summaries is None else {}
        table = self.query_one("#packs", DataTable)
        row = table.cursor_row
        table.clear()
        for pack in packs:
            table.add_row(
                pack.pack_id,
                _title_cell(pack.title, updates.get(pack.pack_id)),
                Text(str(pack.total), justify="right"),
                Text(str(pack.due), justify="right", style="bold yellow" if pack.due else ""),
                Text(str(pack.new), justify="right"),
                mastery_bar(pack.mastery),
                key=pack.pack_id,
            )
        if packs:
            table.move_cursor(row=min(row, len(packs) - 1))
        due, new = sum(p.due for p in packs), sum(p.new for p in packs)
        summary = self.query_one("#home-summary", Static)
        if packs:
            summary.update(
                f"[b]{due}[/] due · [b]{new}[/] new · {len(packs)} pack(s). "
                "[b]p[/] practises all, [b]enter[/] the highlighted pack."
            )
        else:
            summary.update("No packs loaded. Add one with `quizapp new ID` and `--packs DIR`.")
        if summaries is not None:
            return  # load errors are known once the packs load, just after this paint
        errors = self.context.registry.errors
        error_view = self.query_one("#pack-errors", Static)
        error_view.display = bool(errors)
        if errors:
            lines = [f"{len(errors)} pack error(s), those packs are not loaded:"]
            lines += [f"  {error}" for error in errors[:8]]
            if len(errors) > 8:
                lines.append(f"  … and {len(errors) - 8} more (quizapp validate)")
            error_view.update("\n".join(lines))

    def highlighted_pack(self) -> str | None:
        """The id of the highlighted pack, or None when no pack is loaded."""
        table = self.query_one("#packs", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_practice_all(self) -> None:
        """Due questions first, then new ones, across every pack."""
        self.post_message(PracticeRequested())

    def action_practice_pack(self) -> None:
        """Practise the highlighted pack."""
        pack = self.highlighted_pack()
        if pack is not None:
            self.post_message(PracticeRequested(practice_options(pack=pack)))

    def action_cram_pack(self) -> None:
        """Every question of the highlighted pack, schedule untouched."""
        pack = self.highlighted_pack()
        if pack is not None:
            self.post_message(PracticeRequested(practice_options(pack=pack, cram=True)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(PracticeRequested(practice_options(pack=str(event.row_key.value))))

    def action_mock(self) -> None:
        """A timed mock interview across every pack."""
        self.post_message(MockRequested())

    def action_browse(self) -> None:
        """Browse the highlighted pack's questions and reference answers."""
        self.post_message(BrowseRequested(self.highlighted_pack()))

    def action_stats(self) -> None:
        """Reviews, retention, due counts, flags."""
        self.post_message(StatsRequested())
