"""Fitting FSRS to the learner: the optimizer's input, the fit, and the log loss.

The optimizer is the Rust crate Anki uses (`fsrs_rs_python`), fed as Anki feeds it: each
card's rated practice reviews, the days between them counted in the learner's calendar
days (`study.days`), one training item per review made a day or more after the card's
previous one (the history up to it; same-day reviews stay in the history, as FSRS-6's
short-term memory learns from them). The fit runs in its own process
(`quizapp.engine.fit_worker`), so the UI stays responsive and a stuck fit can be stopped;
`fit_history` is what that process runs.

Below `MIN_REVIEWS` such reviews (one mini-batch) nothing is fitted: the parameters stay.
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

import fsrs_rs_python

from quizapp.engine import lifeline
from quizapp.store.db import Store
from quizapp.study.days import Days
from quizapp.study.scheduling import DEFAULT_PARAMETERS

#: One mini-batch of the optimizer: fewer long-term reviews than this are not fitted.
MIN_REVIEWS = 512

#: Progress of a fit: a stage's label and the share (0..1) of the whole run done.
Progress = Callable[[str, float], None]

#: Stages of a fit and the share of the run each takes (measured on 1M reviews).
STAGES = {
    "reading": 0.05,
    "log loss before": 0.05,
    "items": 0.2,
    "fitting": 0.65,
    "log loss after": 0.05,
}


def _no_progress(stage: str, done: float) -> None:
    """The default: nobody watches."""


def stage_start(stage: str) -> float:
    """The share of the run done when `stage` begins."""
    names = list(STAGES)
    return sum(STAGES[name] for name in names[: names.index(stage)])


@dataclass(frozen=True)
class Review:
    """One rated review of one card, as the optimizer sees it."""

    card_id: int
    rating: int
    at: datetime


@dataclass(frozen=True)
class FitAnswer:
    """What the fit process reports: the counts, the fitted parameters, both log losses.

    `parameters` is None when there was too little to fit.
    """

    reviews: int
    trainable: int
    parameters: tuple[float, ...] | None
    log_loss_before: float | None
    log_loss_after: float | None

    def to_json(self) -> dict[str, object]:
        """The fit process's last line."""
        return {
            "reviews": self.reviews,
            "trainable": self.trainable,
            "parameters": list(self.parameters) if self.parameters is not None else None,
            "log_loss_before": self.log_loss_before,
            "log_loss_after": self.log_loss_after,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> FitAnswer:
        """Read the fit process's last line (raises KeyError, TypeError or ValueError)."""
        parameters = data["parameters"]
        return cls(
            int(str(data["reviews"])),
            int(str(data["trainable"])),
            tuple(float(p) for p in parameters) if isinstance(parameters, list) else None,
            _float_or_none(data["log_loss_before"]),
            _float_or_none(data["log_loss_after"]),
        )


def _float_or_none(value: object) -> float | None:
    return None if value is None else float(str(value))


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


@dataclass(frozen=True)
class _History:
    ratings: list[int]
    deltas: list[int]  # calendar days since the previous review; 0 for the first

    def steps(self) -> list[fsrs_rs_python.FSRSReview]:
        """The history as fsrs-rs reviews."""
        return [
            fsrs_rs_python.FSRSReview(r, d) for r, d in zip(self.ratings, self.deltas, strict=True)
        ]


#: UTC offsets and rollover hours fall on quarter hours: every moment of one UTC quarter
#: hour is on the same learner's day, so a day is looked up once per quarter hour.
_QUARTER_HOUR = 900


def _histories(reviews: Iterable[Review], days: Days) -> list[_History]:
    by_card: dict[int, list[Review]] = {}
    for review in reviews:
        by_card.setdefault(review.card_id, []).append(review)
    day_numbers: dict[int, int] = {}

    def day_number(moment: datetime) -> int:
        quarter = int(moment.timestamp()) // _QUARTER_HOUR
        number = day_numbers.get(quarter)
        if number is None:
            number = day_numbers[quarter] = days.day_of(moment).toordinal()
        return number

    out = []
    for _, history in sorted(by_card.items()):
        history.sort(key=lambda r: r.at)
        numbers = [day_number(r.at) for r in history]
        deltas = [0] + [b - a for a, b in itertools.pairwise(numbers)]
        out.append(_History([r.rating for r in history], deltas))
    return out


def trainable_count(reviews: Iterable[Review], days: Days) -> int:
    """Reviews the optimizer learns from: on a later day than the card's previous one."""
    return sum(sum(1 for d in h.deltas[1:] if d > 0) for h in _histories(reviews, days))


def _items(histories: Sequence[_History], progress: Progress) -> list[fsrs_rs_python.FSRSItem]:
    # One item per long-term review: the card's history up to and including it.
    items = []
    start, share = stage_start("items"), STAGES["items"]
    for n, history in enumerate(histories):
        steps = history.steps()
        items += [
            fsrs_rs_python.FSRSItem(steps[: k + 1])
            for k in range(1, len(steps))
            if history.deltas[k] > 0
        ]
        if n % 1000 == 0:
            progress("items", start + share * n / len(histories))
    return items


def _log_loss(histories: Sequence[_History], parameters: Sequence[float]) -> float | None:
    # Each card's memory states in one call (not one per item), then the prediction at
    # each long-term review from the state before it.
    model = fsrs_rs_python.FSRS(list(parameters))
    full = [fsrs_rs_python.FSRSItem(h.steps()) for h in histories]
    # `forgetting_curve`, unrolled: a million calls would cost seconds.
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    total, count = 0.0, 0
    for history, states in zip(histories, model.historical_memory_state_batch(full), strict=True):
        for k in range(1, len(history.ratings)):
            delta = history.deltas[k]
            if delta <= 0:
                continue
            predicted = (1 + factor * delta / states[k - 1].stability) ** decay
            predicted = min(max(predicted, 1e-7), 1 - 1e-7)
            recalled = history.ratings[k] > 1
            total -= math.log(predicted if recalled else 1 - predicted)
            count += 1
    return total / count if count else None


def log_loss(reviews: Iterable[Review], parameters: Sequence[float], days: Days) -> float | None:
    """Mean binary cross-entropy of recall predicted by FSRS vs what happened.

    At each review on a later day than the previous one, the model's retrievability is a
    prediction of recall (any rating but Again); every such review weighs the same
    (fsrs-rs's `evaluate` weighs recent ones more, and costs an item per review). None
    when no review qualifies.
    """
    return _log_loss(_histories(reviews, days), parameters)


def fit_history(
    reviews: Sequence[Review],
    current: Sequence[float],
    days: Days,
    progress: Progress = _no_progress,
) -> FitAnswer:
    """Fit FSRS to `reviews` and judge the fit: what the fit process runs.

    Args:
        reviews: Every rated practice review.
        current: The parameters in use (the log loss before is theirs).
        days: The learner's days (elapsed days are counted in them).
        progress: Told each stage and the share of the run done.
    """
    histories = _histories(reviews, days)
    trainable = sum(sum(1 for d in h.deltas[1:] if d > 0) for h in histories)
    progress("log loss before", stage_start("log loss before"))
    before = _log_loss(histories, current)
    if trainable < MIN_REVIEWS:
        return FitAnswer(len(reviews), trainable, None, before, before)
    items = _items(histories, progress)
    progress("fitting", stage_start("fitting"))
    fitted = tuple(float(p) for p in fsrs_rs_python.FSRS(list(current)).compute_parameters(items))
    progress("log loss after", stage_start("log loss after"))
    after = _log_loss(histories, fitted)
    progress("done", 1.0)
    return FitAnswer(len(reviews), trainable, fitted, before, after)


class FitError(RuntimeError):
    """The optimizer process failed; the message is one line for the user."""


#: Far above the 30 s a million reviews take: only a stuck process gets here.
FIT_TIMEOUT_SECONDS = 900.0


def run_fit_worker(
    store_path: Path, progress: Progress = _no_progress, timeout: float = FIT_TIMEOUT_SECONDS
) -> FitAnswer:
    """Run `fit_worker` on the store at `store_path`, passing on its progress lines.

    Raises:
        FitError: If the process fails, times out or answers nonsense.
    """
    import threading

    command = [sys.executable, "-m", "quizapp.engine.fit_worker", str(store_path)]
    # The optimizer exits if this process dies (engine/lifeline.py): no orphaned fit.
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=lifeline.child_environment(),
    )
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    last: dict[str, object] = {}
    try:
        assert process.stdout is not None
        for line in process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if isinstance(message, dict) and "stage" in message:
                progress(str(message["stage"]), float(message["done"]))
            elif isinstance(message, dict):
                last = message
        stderr = process.stderr.read() if process.stderr is not None else ""
        code = process.wait()
    finally:
        timer.cancel()
    if code < 0 and not last:
        raise FitError(f"the optimizer took more than {timeout:.0f}s; stopped")
    if "error" in last:
        raise FitError(f"the optimizer failed: {last['error']}")
    try:
        return FitAnswer.from_json(last)
    except (KeyError, TypeError, ValueError):
        reason = (stderr.strip().splitlines() or ["no output"])[-1]
        raise FitError(f"the optimizer failed: {reason}") from None


Fitter = Callable[[Path, Progress], FitAnswer]


def optimize(
    store: Store, fitter: Fitter = run_fit_worker, progress: Progress = _no_progress
) -> FitResult:
    """Fit FSRS to the store's history and keep the parameters if they predict it better.

    Below `MIN_REVIEWS` trainable reviews nothing is fitted: the current parameters stay.
    Fitted parameters are stored (and used by scheduling from then on) unless their log
    loss on the history is worse than the current ones'.

    Args:
        store: The progress store.
        fitter: Runs the fit on a store path (default: the `fit_worker` process).
        progress: Told each stage of the fit and the share done.
    """
    from quizapp.study.settings import load_settings, save_parameters

    current = load_settings(store).model().parameters
    personalized = current != DEFAULT_PARAMETERS
    answer = fitter(store.path, progress)
    before, after = answer.log_loss_before, answer.log_loss_after
    if answer.parameters is None:
        kept = "your fitted parameters" if personalized else "the default parameters"
        return FitResult(
            answer.reviews,
            answer.trainable,
            current,
            personalized,
            before,
            before,
            f"{answer.trainable} reviews a day or more apart; the optimizer needs"
            f" {MIN_REVIEWS}: keeping {kept}",
        )
    if before is not None and after is not None and after > before:
        return FitResult(
            answer.reviews,
            answer.trainable,
            current,
            personalized,
            before,
            before,
            f"the fit (log loss {after:.4f}) predicts your history worse than the current"
            f" parameters ({before:.4f}): kept them",
        )
    save_parameters(store, answer.parameters)
    if before is not None and after is not None:
        gain = (before - after) / before * 100 if before else 0.0
        message = (
            f"fitted to {answer.trainable} reviews: log loss {before:.4f} -> {after:.4f}"
            f" ({gain:.1f}% better)"
        )
    else:
        message = f"fitted to {answer.trainable} reviews"
    return FitResult(
        answer.reviews, answer.trainable, answer.parameters, True, before, after, message
    )
