"""Fitting FSRS to the learner: the optimizer's input, its minimum, and the log loss.

The fit itself (py-fsrs's `Optimizer`, which needs torch) runs in its own process,
`quizapp.engine.fit_worker`; this module stays torch-free so the CLI and the dashboard can
prepare the input and judge the result.

py-fsrs's optimizer only learns from reviews made a day or more after the card's previous
review, and only from the first `MAX_SEQUENCE` reviews of each card; below one mini-batch
(`MIN_REVIEWS` such reviews) it returns the default parameters unchanged.
"""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fsrs import Card, Rating, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS

from quizapp.store.db import Store

#: py-fsrs 6's optimizer: `mini_batch_size` (below it, no fit) and `max_seq_len`.
MIN_REVIEWS = 512
MAX_SEQUENCE = 64


@dataclass(frozen=True)
class Review:
    """One rated review of one card, as the optimizer sees it."""

    card_id: int
    rating: int
    at: datetime


@dataclass(frozen=True)
class FitResult:
    """What `quizapp optimize --json` prints.

    Attributes:
        reviews: Rated practice reviews given to the optimizer.
        trainable: Those it can learn from (a day or more after the previous one).
        parameters: The parameters in use after the run.
        personalized: True when those were fitted to this learner.
        log_loss_before: Log loss of the history under the parameters used before.
        log_loss_after: Log loss under `parameters`.
        message: One line for the user.
    """

    reviews: int
    trainable: int
    parameters: tuple[float, ...]
    personalized: bool
    log_loss_before: float | None
    log_loss_after: float | None
    message: str

    def to_json(self) -> dict[str, object]:
        """`{reviews, parameters, personalized, log_loss_before, log_loss_after}` and more."""
        return {
            "reviews": self.reviews,
            "trainable": self.trainable,
            "minimum": MIN_REVIEWS,
            "parameters": list(self.parameters),
            "personalized": self.personalized,
            "log_loss_before": self.log_loss_before,
            "log_loss_after": self.log_loss_after,
            "message": self.message,
        }


def as_reviews(rows: Iterable[tuple[str, str, int, datetime]]) -> list[Review]:
    """Number the questions of `Store.rated_practice_reviews` rows as card ids 1..N."""
    ids: dict[tuple[str, str], int] = {}
    return [
        Review(ids.setdefault((pack, question), len(ids) + 1), rating, at)
        for pack, question, rating, at in rows
    ]


def _histories(reviews: Iterable[Review]) -> list[list[Review]]:
    by_card: dict[int, list[Review]] = {}
    for review in reviews:
        by_card.setdefault(review.card_id, []).append(review)
    return [sorted(h, key=lambda r: r.at)[:MAX_SEQUENCE] for _, h in sorted(by_card.items())]


def trainable_count(reviews: Iterable[Review]) -> int:
    """Reviews the optimizer learns from: a whole day or more after the card's previous one."""
    count = 0
    for history in _histories(reviews):
        for previous, review in itertools.pairwise(history):
            count += (review.at - previous.at).days > 0
    return count


def log_loss(reviews: Sequence[Review], parameters: Sequence[float]) -> float | None:
    """Mean binary cross-entropy of recall predicted by FSRS vs what happened.

    The optimizer's own measure: at each review a day or more after the previous one, the
    model's retrievability is a prediction of recall (any rating but Again). None when no
    review qualifies.
    """
    scheduler = Scheduler(parameters=parameters, enable_fuzzing=False)
    total, count = 0.0, 0
    for history in _histories(reviews):
        card = Card(card_id=history[0].card_id, due=history[0].at)
        for review in history:
            if card.last_review is not None and (review.at - card.last_review).days > 0:
                predicted = scheduler.get_card_retrievability(card, current_datetime=review.at)
                predicted = min(max(float(predicted), 1e-7), 1 - 1e-7)
                recalled = review.rating != Rating.Again
                total -= math.log(predicted if recalled else 1 - predicted)
                count += 1
            card, _ = scheduler.review_card(card, Rating(review.rating), review.at)
    return total / count if count else None


class FitError(RuntimeError):
    """The optimizer process failed; the message is one line for the user."""


#: The optimizer on a year of daily reviews takes minutes on a laptop CPU.
FIT_TIMEOUT_SECONDS = 1800.0


def run_fit_worker(store_path: Path, timeout: float = FIT_TIMEOUT_SECONDS) -> tuple[float, ...]:
    """Run `fit_worker` on the store at `store_path` and return its parameters.

    Raises:
        FitError: If the process fails, times out or answers nonsense.
    """
    command = [sys.executable, "-m", "quizapp.engine.fit_worker", str(store_path)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise FitError(f"the optimizer took more than {timeout:.0f}s; stopped") from None
    lines = done.stdout.strip().splitlines()
    try:
        answer = json.loads(lines[-1]) if lines else {}
    except ValueError:
        answer = {}
    if "parameters" in answer:
        return tuple(float(p) for p in answer["parameters"])
    reason = answer.get("error") or (done.stderr.strip().splitlines() or ["no output"])[-1]
    raise FitError(f"the optimizer failed: {reason}")


Fitter = Callable[[Path], tuple[float, ...]]


def optimize(store: Store, fitter: Fitter = run_fit_worker) -> FitResult:
    """Fit FSRS to the store's history and keep the parameters if they predict it better.

    Below `MIN_REVIEWS` trainable reviews nothing runs: the current parameters stay.
    Fitted parameters are stored (and used by scheduling from then on) unless their log
    loss on the history is worse than the current ones'.

    Args:
        store: The progress store.
        fitter: Runs the optimizer on a store path (default: the `fit_worker` process).
    """
    from quizapp.study.settings import load_settings, save_parameters

    reviews = as_reviews(store.rated_practice_reviews())
    trainable = trainable_count(reviews)
    current = load_settings(store).model().parameters
    personalized = current != tuple(DEFAULT_PARAMETERS)
    before = log_loss(reviews, current)
    if trainable < MIN_REVIEWS:
        kept = "your fitted parameters" if personalized else "the default parameters"
        return FitResult(
            len(reviews),
            trainable,
            current,
            personalized,
            before,
            before,
            f"{trainable} reviews a day or more apart; the optimizer needs {MIN_REVIEWS}:"
            f" keeping {kept}",
        )
    fitted = fitter(store.path)
    after = log_loss(reviews, fitted)
    if before is not None and after is not None and after > before:
        return FitResult(
            len(reviews),
            trainable,
            current,
            personalized,
            before,
            before,
            f"the fit (log loss {after:.4f}) predicts your history worse than the current"
            f" parameters ({before:.4f}): kept them",
        )
    save_parameters(store, fitted)
    return FitResult(
        len(reviews),
        trainable,
        fitted,
        True,
        before,
        after,
        f"fitted to {trainable} reviews: log loss {before:.4f} -> {after:.4f}"
        if before is not None and after is not None
        else f"fitted to {trainable} reviews",
    )
