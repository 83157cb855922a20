"""`quizapp optimize`: below the optimizer's minimum history it keeps the parameters; above
it, the Rust FSRS optimizer (in its process) fits parameters that scheduling then uses,
and says by how much they improve the log loss on the learner's own history."""

from __future__ import annotations

import json
import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fsrs_rs_python
import pytest
from conftest import RunCli

from quizapp import locations
from quizapp.store.db import Store
from quizapp.study import fitting
from quizapp.study.days import Days
from quizapp.study.fitting import (
    MIN_REVIEWS,
    FitAnswer,
    Progress,
    as_reviews,
    fit_history,
    log_loss,
    optimize,
    trainable_count,
)
from quizapp.study.scheduling import DEFAULT_PARAMETERS, forgetting_curve
from quizapp.study.settings import load_settings

START = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
DAYS = Days(4, UTC)


def write_history(store: Store, questions: int, reviews_each: int, seed: int = 0) -> None:
    """Reviews a day or more apart; recall falls with the gap, as memory does."""
    rng = random.Random(seed)
    for q in range(questions):
        at = START + timedelta(hours=q % 12)
        gap = 1
        for _ in range(reviews_each):
            recalled = rng.random() < 0.95 ** (gap / 2)
            rating = 3 if recalled else 1
            store.record_review("p", f"q{q}", "x", recalled, rating, 2.0, "practice", at)
            gap = gap * 2 if recalled else 1
            at += timedelta(days=gap)
    # Cram and mock answers are not the memory model's history.
    store.record_review("p", "q0", "x", False, None, 2.0, "cram", START)


def in_process(path: Path, progress: Progress) -> FitAnswer:
    """What the fit process does, without the process (UTC days, as `DAYS`)."""
    with Store.open(path) as store:
        reviews = as_reviews(store.rated_practice_reviews())
        current = load_settings(store).model().parameters
    return fit_history(reviews, current, DAYS, progress)


def test_trainable_reviews_are_those_on_a_later_day(store: Store) -> None:
    write_history(store, questions=3, reviews_each=4)
    store.record_review("p", "q0", "x", True, 3, 1.0, "practice", START + timedelta(hours=2))
    # 23:00 UTC is the same day as 09:00; 03:00 the next morning too (before the rollover).
    store.record_review("p", "q1", "x", True, 3, 1.0, "practice", START + timedelta(hours=18))
    reviews = as_reviews(store.rated_practice_reviews())
    assert len(reviews) == 14
    # 3 reviews after the first per question; the same-day ones do not count.
    assert trainable_count(reviews, DAYS) == 9


def test_below_the_minimum_keeps_the_defaults(store: Store) -> None:
    write_history(store, questions=5, reviews_each=5)
    result = optimize(store, fitter=in_process)
    assert result.trainable == 20 < MIN_REVIEWS
    assert result.personalized is False
    assert result.parameters == DEFAULT_PARAMETERS
    assert "the optimizer needs 512" in result.message
    assert load_settings(store).fsrs_parameters is None


def test_a_worse_fit_is_not_kept(store: Store) -> None:
    write_history(store, questions=60, reviews_each=11)
    reviews = as_reviews(store.rated_practice_reviews())
    worse = list(DEFAULT_PARAMETERS)
    worse[20] = 0.8  # a forgetting curve far steeper than the history shows

    def fitter(path: Path, progress: Progress) -> FitAnswer:
        before = log_loss(reviews, DEFAULT_PARAMETERS, DAYS)
        after = log_loss(reviews, worse, DAYS)
        return FitAnswer(len(reviews), 600, tuple(worse), before, after)

    result = optimize(store, fitter=fitter)
    assert result.personalized is False and "kept them" in result.message
    assert load_settings(store).fsrs_parameters is None


def test_log_loss_is_the_mean_cross_entropy_of_each_prediction(store: Store) -> None:
    # Computed from each card's memory states in one pass; here, independently, from the
    # memory state fsrs-rs gives each history prefix, one review at a time.
    write_history(store, questions=40, reviews_each=9)
    reviews = as_reviews(store.rated_practice_reviews())
    by_card: dict[int, list[tuple[int, int]]] = {}
    last: dict[int, datetime] = {}
    for review in reviews:
        delta = DAYS.elapsed(last[review.card_id], review.at) if review.card_id in last else 0
        by_card.setdefault(review.card_id, []).append((review.rating, delta))
        last[review.card_id] = review.at
    model = fsrs_rs_python.FSRS(list(DEFAULT_PARAMETERS))
    losses = []
    for steps in by_card.values():
        for k in range(1, len(steps)):
            rating, delta = steps[k]
            if delta == 0:
                continue
            history = [fsrs_rs_python.FSRSReview(r, d) for r, d in steps[:k]]
            stability = model.memory_state(fsrs_rs_python.FSRSItem(history)).stability
            recall = forgetting_curve(delta, stability, DEFAULT_PARAMETERS)
            losses.append(-math.log(recall if rating > 1 else 1 - recall))
    expected = sum(losses) / len(losses)
    assert log_loss(reviews, DEFAULT_PARAMETERS, DAYS) == pytest.approx(expected, rel=1e-6)


def test_the_fit_reports_its_progress(store: Store) -> None:
    write_history(store, questions=60, reviews_each=11)
    seen: list[tuple[str, float]] = []
    answer = in_process(store.path, lambda stage, done: seen.append((stage, done)))
    assert answer.parameters is not None
    shares = [done for _, done in seen]
    assert shares == sorted(shares) and shares[-1] == 1.0
    assert [s for s in fitting.STAGES if s != "reading"] == list(
        dict.fromkeys(stage for stage, _ in seen if stage != "done")
    )


@pytest.mark.slow
def test_optimize_above_the_minimum_fits_and_stores(run_cli: RunCli) -> None:
    with Store.open(locations.db_path()) as store:
        write_history(store, questions=60, reviews_each=11)
        reviews = as_reviews(store.rated_practice_reviews())
        assert trainable_count(reviews, load_settings(store).days) >= MIN_REVIEWS
    code, out, err = run_cli(["optimize", "--json"])
    assert code == 0, err
    data = json.loads(out)
    assert data["personalized"] is True and data["reviews"] == 660
    assert len(data["parameters"]) == len(DEFAULT_PARAMETERS)
    assert data["parameters"] != list(DEFAULT_PARAMETERS)
    assert data["log_loss_after"] < data["log_loss_before"]
    days = Days()  # the command's: the settings' rollover, in the local time zone
    assert data["log_loss_before"] == pytest.approx(log_loss(reviews, DEFAULT_PARAMETERS, days))
    assert "better" in data["message"]
    with Store.open(locations.db_path()) as store:
        fitted = load_settings(store).fsrs_parameters
        assert fitted == pytest.approx(tuple(data["parameters"]))
        assert load_settings(store).model().personalized


@pytest.mark.slow
def test_optimize_prints_before_and_after(run_cli: RunCli) -> None:
    with Store.open(locations.db_path()) as store:
        write_history(store, questions=60, reviews_each=11)
    code, out, _ = run_cli(["optimize"])
    assert code == 0
    assert "log loss" in out and "->" in out and "% better" in out


@pytest.mark.anyio
async def test_the_stats_screen_shows_the_fit_progress_and_result(store: Store) -> None:
    from textual.widgets import ProgressBar
    from tui_helpers import SIZE, make_app

    from quizapp.screens.stats import StatsScreen

    write_history(store, questions=60, reviews_each=11)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        screen = app.screen
        # What the bar showed at each progress line: read as the screen draws it (polling
        # could miss a fit that ends between two polls).
        shown: list[tuple[bool, float]] = []
        draw = screen._show_progress

        def spy(stage: str, done: float) -> None:
            draw(stage, done)
            bar = screen.query_one("#optimize-bar", ProgressBar)
            shown.append(
                (screen.query_one("#optimize-progress").has_class("running"), bar.progress)
            )

        screen._show_progress = spy  # type: ignore[method-assign]
        await pilot.press("o")
        messages: list[str] = []
        for _ in range(1200):  # the fit process, polled until it reports; no timing asserted
            await pilot.pause(0.1)
            messages = [str(n.message) for n in app._notifications]
            if any("log loss" in m or "failed" in m for m in messages):
                break
        assert shown and all(running for running, _ in shown)
        assert [done for _, done in shown] == sorted(done for _, done in shown)
        assert shown[-1][1] == 1.0
        assert any("log loss" in m and "better" in m for m in messages), messages
        assert not screen.query_one("#optimize-progress").has_class("running")
        assert load_settings(store).fsrs_parameters is not None
