"""`quizapp optimize`: below the optimizer's minimum history it keeps the defaults; above
it, py-fsrs's Optimizer (in its process) fits parameters that scheduling then uses."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS
from test_cli_study import run

from quizapp import locations
from quizapp.store.db import Store
from quizapp.study import fitting
from quizapp.study.fitting import MIN_REVIEWS, as_reviews, log_loss, optimize, trainable_count
from quizapp.study.settings import load_settings

START = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)


def write_history(store: Store, questions: int, reviews_each: int, seed: int = 0) -> None:
    """Reviews a day or more apart; recall falls with the gap, as memory does."""
    rng = random.Random(seed)
    for q in range(questions):
        at = START + timedelta(hours=q)
        gap = 1
        for _ in range(reviews_each):
            recalled = rng.random() < 0.95 ** (gap / 2)
            rating = 3 if recalled else 1
            store.record_review("p", f"q{q}", "x", recalled, rating, 2.0, "practice", at)
            gap = gap * 2 if recalled else 1
            at += timedelta(days=gap)
    # Cram and mock answers are not the memory model's history.
    store.record_review("p", "q0", "x", False, None, 2.0, "cram", START)


def test_trainable_reviews_follow_the_optimizer_rule(store: Store) -> None:
    write_history(store, questions=3, reviews_each=4)
    store.record_review("p", "q0", "x", True, 3, 1.0, "practice", START + timedelta(hours=2))
    reviews = as_reviews(store.rated_practice_reviews())
    assert len(reviews) == 13
    # 3 reviews after the first per question; the same-day one does not count.
    assert trainable_count(reviews) == 9


@pytest.mark.torch
def test_minimum_matches_py_fsrs() -> None:
    # Imported here: the optimizer module imports torch.
    from fsrs import optimizer

    assert optimizer.mini_batch_size == MIN_REVIEWS
    assert optimizer.max_seq_len == fitting.MAX_SEQUENCE


def test_below_the_minimum_keeps_the_defaults(store: Store) -> None:
    write_history(store, questions=5, reviews_each=5)

    def never(path: Path) -> tuple[float, ...]:
        raise AssertionError("the optimizer must not run below its minimum")

    result = optimize(store, fitter=never)
    assert result.trainable == 20 < MIN_REVIEWS
    assert result.personalized is False
    assert result.parameters == tuple(DEFAULT_PARAMETERS)
    assert "the optimizer needs 512" in result.message
    assert load_settings(store).fsrs_parameters is None


def test_a_worse_fit_is_not_kept(store: Store) -> None:
    write_history(store, questions=60, reviews_each=11)
    worse = list(DEFAULT_PARAMETERS)
    worse[20] = 0.8  # a forgetting curve far steeper than the history shows
    result = optimize(store, fitter=lambda path: tuple(worse))
    assert result.personalized is False and "kept them" in result.message
    assert load_settings(store).fsrs_parameters is None


@pytest.mark.torch
def test_optimize_above_the_minimum_fits_and_stores(capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(locations.db_path()) as store:
        write_history(store, questions=60, reviews_each=11)
        reviews = as_reviews(store.rated_practice_reviews())
        assert trainable_count(reviews) >= MIN_REVIEWS
    code, out, _ = run(["optimize", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["personalized"] is True and data["reviews"] == 660
    assert len(data["parameters"]) == len(DEFAULT_PARAMETERS)
    assert data["parameters"] != list(DEFAULT_PARAMETERS)
    assert data["log_loss_after"] <= data["log_loss_before"]
    assert data["log_loss_before"] == pytest.approx(log_loss(reviews, DEFAULT_PARAMETERS))
    with Store.open(locations.db_path()) as store:
        fitted = load_settings(store).fsrs_parameters
        assert fitted == pytest.approx(tuple(data["parameters"]))
        assert load_settings(store).model().personalized
