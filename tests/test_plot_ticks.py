"""Axis labels of the dashboard plots: evenly spaced from today, never two a column apart
(plotext then keeps one of them at random, which made the dashboard snapshot flaky)."""

from __future__ import annotations

import itertools

from quizapp.widgets.memory_plots import count_ticks, label_ticks


def test_forecast_ticks_step_from_today_and_skip_a_crowded_last_day() -> None:
    labels = ["today", *[f"+{n}" for n in range(1, 30)]]
    positions, shown = label_ticks(30, labels, 7, from_end=False)
    assert positions == [1.0, 8.0, 15.0, 22.0, 29.0]
    assert shown == ["today", "+7", "+14", "+21", "+28"]


def test_history_ticks_step_back_from_today_and_keep_a_distant_first_day() -> None:
    labels = [f"d{n}" for n in range(1, 91)]
    positions, shown = label_ticks(90, labels, 15)
    assert positions == [1.0, 15.0, 30.0, 45.0, 60.0, 75.0, 90.0]
    assert shown[0] == "d1" and shown[-1] == "d90"


def test_no_two_ticks_closer_than_half_the_step() -> None:
    for count in range(1, 120):
        for every in (4, 7, 15):
            for from_end in (True, False):
                positions, _ = label_ticks(
                    count, [str(i) for i in range(count)], every, from_end=from_end
                )
                gaps = [b - a for a, b in itertools.pairwise(positions)]
                assert all(gap * 2 >= every for gap in gaps), (count, every, from_end)


def test_one_point_gets_one_tick() -> None:
    assert label_ticks(1, ["today"], 7, from_end=False) == ([1.0], ["today"])


def test_count_axes_are_whole_numbers_from_zero_and_never_empty() -> None:
    assert count_ticks(0) == [0, 1]
    assert count_ticks(3) == [0, 1, 2, 3]
    assert count_ticks(9) == [0, 3, 6, 9]
    for top in range(0, 500):
        ticks = count_ticks(top)
        assert ticks[0] == 0 and ticks[-1] >= max(1, top) and len(ticks) <= 6
        assert len({b - a for a, b in itertools.pairwise(ticks)}) == 1
