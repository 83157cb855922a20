"""Stats: the dashboard. Plots of reviews, true retention and the due forecast, mastery
per objective, the weakest objectives, leeches, the interview plan, per-pack counts, flags.

The screen renders; `study.dashboard` computes (SQL aggregates, so the first paint stays
fast on years of history). The workload simulation and the optimizer run off the UI
thread: the first in a thread worker, the second in its own process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from quizapp.screens.home import mastery_bar
from quizapp.screens.messages import PracticeRequested
from quizapp.screens.setting_dialog import SettingScreen
from quizapp.study.context import StudyContext
from quizapp.study.dashboard import Dashboard, collect_dashboard
from quizapp.study.leeches import LEECH_FAILURES
from quizapp.study.plan_text import plan_lines
from quizapp.study.settings import SPECS, set_setting, shown_values
from quizapp.study.stats import Stats, collect_stats, flag_lines, headline, pack_rows
from quizapp.study.workload import Workload
from quizapp.widgets.memory_plots import ForecastPlot, MasteryPlot, RetentionPlot, ReviewsPlot

if TYPE_CHECKING:
    from quizapp.study.fitting import FitResult


def memory_line(dashboard: Dashboard, workload: list[Workload] | None) -> str:
    """Desired retention, whose parameters, and the workload each retention implies."""
    settings = dashboard.settings
    fitted = "fitted to you" if settings.fsrs_parameters else "FSRS defaults (o fits yours)"
    line = f"Desired retention [b]{settings.desired_retention:.2f}[/] (r) · parameters: {fitted}"
    if workload is None:
        return line + "\nWorkload: simulating…"
    parts = " · ".join(f"{w.retention:.2f}: [b]{w.reviews_per_day:.1f}[/]" for w in workload)
    return line + f"\nReviews per day over the next 30 days at retention {parts}"


class StatsScreen(Screen[None]):
    """The dashboard, read when the screen opens and again when it comes back to the top."""

    DEFAULT_CSS = """
    StatsScreen #stats { padding: 1 2; }
    StatsScreen #stats-headline { margin-bottom: 1; }
    StatsScreen #dashboard-plots-row { height: auto; }
    StatsScreen DataTable { height: auto; max-height: 12; }
    StatsScreen .dashboard-title { margin-top: 1; text-style: bold; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back"),
        Binding("w", "practise_objective", "Practise objective"),
        Binding("x", "toggle_suspend", "Suspend leech"),
        Binding("r", "set_retention", "Retention"),
        Binding("i", "set_interview", "Interview date"),
        Binding("o", "optimize", "Optimize"),
    ]

    class WorkloadReady(Message):
        """The simulation finished."""

        def __init__(self, workload: list[Workload]) -> None:
            super().__init__()
            self.workload = workload

    class Optimized(Message):
        """The optimizer process finished (`result`), or failed (`error`)."""

        def __init__(self, result: FitResult | None, error: str | None) -> None:
            super().__init__()
            self.result = result
            self.error = error

    def __init__(self, context: StudyContext) -> None:
        super().__init__()
        self.context = context
        self.dashboard: Dashboard | None = None
        self.workload: list[Workload] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats"):
            yield Static("", id="stats-headline")
            yield Static("", id="stats-memory")
            yield ReviewsPlot(id="plot-reviews")
            with Horizontal(id="dashboard-plots-row"):
                yield RetentionPlot(id="plot-retention")
                yield ForecastPlot(id="plot-forecast")
            yield MasteryPlot(id="plot-mastery")
            yield Static(
                "Weakest objectives (w practises the highlighted one)", classes="dashboard-title"
            )
            yield DataTable(id="weakest", cursor_type="row")
            yield Static("", id="leeches-title", classes="dashboard-title")
            yield DataTable(id="leeches", cursor_type="row")
            yield Static("Interview plan", classes="dashboard-title")
            yield Static("", id="stats-plan", markup=False)
            yield Static("Packs", classes="dashboard-title")
            yield DataTable(id="stats-packs", cursor_type="row")
            yield Static("", id="stats-flags-title", classes="dashboard-title")
            yield Static("", id="stats-flags", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#weakest", DataTable).add_columns(
            "Pack", "Objective", "Questions", "Mastery"
        )
        self.query_one("#leeches", DataTable).add_columns(
            "Pack", "Question", "Failures", "Last failed", "State"
        )
        self.query_one("#stats-packs", DataTable).add_columns(
            "Pack", "Reviews", "Retention", "Due", "New", "Flags"
        )
        self.refresh_data()

    def on_screen_resume(self) -> None:
        # Back from practising an objective or from a dialog: numbers have changed.
        if self.dashboard is not None:
            self.refresh_data()

    # -- drawing ---------------------------------------------------------------------

    def refresh_data(self) -> None:
        """Collect everything again and redraw; the workload is simulated in the background."""
        now = self.context.clock()
        packs = self.context.summaries()
        dashboard = collect_dashboard(self.context.store, packs, now)
        stats = collect_stats(packs, self.context.store, now, dashboard)
        self.dashboard = dashboard
        self.query_one("#stats-headline", Static).update(f"[b]{headline(stats)}[/]")
        self.query_one("#stats-memory", Static).update(memory_line(dashboard, self.workload))
        self.query_one(ReviewsPlot).show(dashboard.reviews_by_day)
        self.query_one(RetentionPlot).show(
            dashboard.retention_by_week, dashboard.settings.desired_retention
        )
        self.query_one(ForecastPlot).show(dashboard.forecast)
        self.query_one(MasteryPlot).show(dashboard.objectives)
        self._fill_weakest(dashboard)
        self._fill_leeches(dashboard)
        today = dashboard.today
        plan = dashboard.plan
        self.query_one("#stats-plan", Static).update(
            "\n".join(plan_lines(plan, today))
            if plan is not None
            else "No interview planned: i sets a date, and practice follows the plan until then."
        )
        self._fill_packs(stats)
        self.simulate_workload()

    def _fill_weakest(self, dashboard: Dashboard) -> None:
        table = self.query_one("#weakest", DataTable)
        table.clear()
        for objective in dashboard.weakest:
            table.add_row(
                objective.pack_id,
                objective.objective_id,
                Text(str(objective.total), justify="right"),
                mastery_bar(objective.mastery),
                key=f"{objective.pack_id}\t{objective.objective_id}",
            )
        table.display = bool(dashboard.weakest)

    def _fill_leeches(self, dashboard: Dashboard) -> None:
        table = self.query_one("#leeches", DataTable)
        row = table.cursor_row
        table.clear()
        for leech in dashboard.leeches:
            table.add_row(
                leech.pack_id,
                leech.question_id,
                Text(str(leech.failures), justify="right"),
                leech.last_failed.strftime("%Y-%m-%d"),
                Text("suspended", style="yellow") if leech.suspended else "active",
                key=f"{leech.pack_id}\t{leech.question_id}",
            )
        if dashboard.leeches:
            table.move_cursor(row=min(row, len(dashboard.leeches) - 1))
        table.display = bool(dashboard.leeches)
        title = (
            f"Leeches: failed {LEECH_FAILURES}+ times (x suspends or unsuspends;"
            " suspended questions are never drawn)"
            if dashboard.leeches
            else f"Leeches: none (a question failed {LEECH_FAILURES} times becomes one)"
        )
        self.query_one("#leeches-title", Static).update(title)

    def _fill_packs(self, stats: Stats) -> None:
        table = self.query_one("#stats-packs", DataTable)
        table.clear()
        for row in pack_rows(stats):
            new = "-" if row.new is None else row.new
            table.add_row(row.name, row.reviews, row.retention_text, row.due, new, row.flags)
        flags = flag_lines(stats)
        title = "Flagged for their authors" if flags else "No question flagged."
        self.query_one("#stats-flags-title", Static).update(title)
        view = self.query_one("#stats-flags", Static)
        view.update("\n".join(flags))
        view.display = bool(flags)

    # -- background work -------------------------------------------------------------

    @work(thread=True, exclusive=True, group="workload")
    def simulate_workload(self) -> None:
        """Simulate the next 30 days at each retention (the UI thread only draws)."""
        from quizapp.study.settings import load_settings
        from quizapp.study.workload import simulate_workload

        store = self.context.store
        now = self.context.clock()
        installed = {q.key for p in self.context.summaries() for q in p.questions}
        scheduled = store.cards()
        drawable = set(store.unsuspended(installed | set(scheduled)))
        cards = [c.card_json for k, c in scheduled.items() if k in drawable]
        new = len((installed & drawable) - set(scheduled))
        model = load_settings(store).model()
        self.post_message(self.WorkloadReady(simulate_workload(cards, new, model, now)))

    def on_stats_screen_workload_ready(self, event: WorkloadReady) -> None:
        self.workload = event.workload
        if self.dashboard is not None:
            self.query_one("#stats-memory", Static).update(
                memory_line(self.dashboard, self.workload)
            )

    @work(thread=True, exclusive=True, group="optimize", exit_on_error=False)
    def run_optimizer(self) -> None:
        """Fit FSRS in the optimizer process; this thread only waits for it."""
        from quizapp.study.fitting import FitError, optimize

        try:
            result = optimize(self.context.store)
        except FitError as error:
            self.post_message(self.Optimized(None, str(error)))
            return
        self.post_message(self.Optimized(result, None))

    def on_stats_screen_optimized(self, event: Optimized) -> None:
        if event.error is not None:
            self.notify(event.error, severity="error")
            return
        if event.result is not None:
            self.notify(event.result.message, timeout=8)
        self.workload = None
        self.refresh_data()

    # -- actions ---------------------------------------------------------------------

    def _key_of(self, table_id: str) -> tuple[str, str] | None:
        table = self.query_one(table_id, DataTable)
        if not table.row_count:
            return None
        value = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        pack, _, rest = value.partition("\t")
        return pack, rest

    def action_practise_objective(self) -> None:
        """Practise the questions covering the highlighted weakest objective."""
        from quizapp.study.planning import Filters
        from quizapp.study.practice import PracticeOptions

        key = self._key_of("#weakest")
        if key is None:
            self.notify("No objective to practise: no pack has objectives covered.")
            return
        pack, objective = key
        self.post_message(
            PracticeRequested(PracticeOptions(Filters(pack=pack, objective=objective)))
        )

    def action_toggle_suspend(self) -> None:
        """Suspend the highlighted leech, or let it be drawn again."""
        key = self._key_of("#leeches")
        if key is None or self.dashboard is None:
            self.notify("No leech to suspend.")
            return
        leech = next(leech for leech in self.dashboard.leeches if leech.key == key)
        if leech.suspended:
            self.context.store.unsuspend(*key)
            self.notify(f"{key[0]}/{key[1]} will be drawn again.")
        else:
            self.context.store.suspend(*key, self.context.clock())
            self.notify(f"{key[0]}/{key[1]} suspended: it will not be drawn.")
        self.refresh_data()

    def _edit(self, key: str) -> None:
        store = self.context.store

        def saved(value: str | None) -> None:
            # The screen redraws as it comes back to the top (on_screen_resume).
            if value is not None:
                self.notify(f"{key} = {value}")

        dialog = SettingScreen(
            key,
            SPECS[key].description,
            shown_values(store)[key],
            lambda text: set_setting(store, key, text, self.context.clock().date()),
        )
        self.app.push_screen(dialog, saved)

    def action_set_retention(self) -> None:
        """Edit the desired retention."""
        self._edit("desired_retention")

    def action_set_interview(self) -> None:
        """Set (or clear, with 'none') the interview date; practice follows the plan."""
        self._edit("interview_date")

    def action_optimize(self) -> None:
        """Fit FSRS to the review history (in a process; the screen stays responsive)."""
        self.notify("Fitting FSRS to your history in the background…")
        self.run_optimizer()

    def action_close(self) -> None:
        """Back to where stats were opened from."""
        self.dismiss()
