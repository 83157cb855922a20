"""The dashboard's plots (textual-plotext): text, so they also work in a browser.

Each widget draws what it is given with `show(...)`; it computes nothing. The series come
from `study.dashboard`.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

from quizapp.store.aggregates import DayAnswers
from quizapp.study.history import WeekRetention
from quizapp.study.objectives import ObjectiveMastery

RIGHT_COLOR = "green"
WRONG_COLOR = "red"
#: Pack colours of the mastery plot, in turn.
PACK_COLORS = ("cyan", "magenta", "blue", "yellow", "green", "orange")


def label_ticks(
    count: int, labels: Sequence[str], every: int, *, from_end: bool = True
) -> tuple[list[float], list[str]]:
    """Ticks every `every` points from one end (today), plus the other end when it is not
    crowded: two labels a column apart overwrite each other, and which one plotext keeps
    is not stable from one paint to the next."""
    steps = list(range(count, 0, -every)) if from_end else list(range(1, count + 1, every))
    far_end = 1 if from_end else count
    if all(abs(far_end - p) * 2 >= every for p in steps):
        steps.append(far_end)
    positions = sorted(set(steps))
    return [float(p) for p in positions], [labels[p - 1] for p in positions]


def count_ticks(top: int) -> list[int]:
    """Whole-number ticks from 0 to at least `top` (at least 1): counts have no fractions,
    and an empty history would otherwise get plotext's default -1..1 axis."""
    top = max(1, top)
    step = max(1, -(-top // 4))
    return list(range(0, top + step, step))


def _count_axis(plt: Plot, top: int) -> None:
    ticks = count_ticks(top)
    plt.ylim(0, ticks[-1])
    plt.yticks([float(t) for t in ticks], [str(t) for t in ticks])


class ReviewsPlot(PlotextPlot):
    """Reviews per day, right stacked under wrong."""

    DEFAULT_CSS = "ReviewsPlot { height: 12; }"

    def show(self, days: Sequence[DayAnswers]) -> None:
        """Draw one stacked bar per day (oldest first; the last is today)."""
        plt = self.plt
        plt.clear_figure()
        plt.title(f"Reviews per day, last {len(days)} days")
        if days:
            x = list(range(1, len(days) + 1))
            # textual-plotext's stub says `label` and one colour; plotext 5.3.2's
            # stacked_bar takes `labels` and a colour per series.
            plt.stacked_bar(  # type: ignore[call-arg]
                x,
                [[d.right for d in days], [d.wrong for d in days]],
                labels=["right", "wrong"],
                color=[RIGHT_COLOR, WRONG_COLOR],  # type: ignore[arg-type]
                width=0.8,
            )
            labels = [d.day.strftime("%m-%d") for d in days]
            plt.xticks(*label_ticks(len(days), labels, 15))
            _count_axis(plt, max(d.right + d.wrong for d in days))
        self.refresh()


class RetentionPlot(PlotextPlot):
    """True retention (share right on due reviews) per week."""

    DEFAULT_CSS = "RetentionPlot { height: 12; width: 1fr; }"

    def show(self, weeks: Sequence[WeekRetention], desired: float) -> None:
        """Draw a point per week with due reviews, and the desired retention as a line."""
        plt = self.plt
        plt.clear_figure()
        plt.title(f"True retention per week (line: desired {desired:.0%})")
        plt.ylim(0, 100)
        plt.yticks([0.0, 25.0, 50.0, 75.0, 100.0], ["0", "25", "50", "75", "100"])
        if weeks:
            x = [i + 1 for i, w in enumerate(weeks) if w.retention is not None]
            y = [round(100 * w.retention, 1) for w in weeks if w.retention is not None]
            if x:
                plt.plot(x, y, marker="braille", color=RIGHT_COLOR, label="retention %")
            plt.horizontal_line(100 * desired, color="gray")
            labels = [w.week.strftime("%m-%d") for w in weeks]
            plt.xticks(*label_ticks(len(weeks), labels, 4))
            plt.xlim(1, len(weeks))
        self.refresh()


class ForecastPlot(PlotextPlot):
    """Cards falling due each of the next days (overdue ones today)."""

    DEFAULT_CSS = "ForecastPlot { height: 12; width: 1fr; }"

    def show(self, counts: Sequence[int]) -> None:
        """Draw a bar per day, today first."""
        plt = self.plt
        plt.clear_figure()
        plt.title(f"Due in the next {len(counts)} days")
        if counts:
            x = list(range(1, len(counts) + 1))
            plt.bar(x, list(counts), color="cyan", width=0.8)
            labels = ["today", *[f"+{n}" for n in range(1, len(counts))]]
            plt.xticks(*label_ticks(len(counts), labels, 7, from_end=False))
            _count_axis(plt, max(counts))
        self.refresh()


class MasteryPlot(PlotextPlot):
    """A horizontal bar per objective (share of its questions learned), grouped by pack."""

    DEFAULT_CSS = "MasteryPlot { height: auto; }"

    def show(self, objectives: Sequence[ObjectiveMastery]) -> None:
        """Draw the bars, one colour per pack, packs in order; height follows the count."""
        plt = self.plt
        plt.clear_figure()
        plt.title("Mastery per objective (% of its questions learned)")
        covered = [o for o in objectives if o.total]
        self.styles.height = max(6, 2 * len(covered) + 4)
        packs = list(dict.fromkeys(o.pack_id for o in covered))
        # Top to bottom in pack order: plotext counts rows from the bottom.
        position = {id(o): len(covered) - i for i, o in enumerate(covered)}
        for index, pack in enumerate(packs):
            group = [o for o in covered if o.pack_id == pack]
            plt.bar(
                [position[id(o)] for o in group],
                [round(100 * o.mastery) for o in group],
                orientation="horizontal",
                color=PACK_COLORS[index % len(PACK_COLORS)],
                width=0.6,
                label=pack,
            )
        if covered:
            plt.yticks([position[id(o)] for o in covered], [o.objective_id[:28] for o in covered])
            plt.xlim(0, 100)
        self.refresh()
