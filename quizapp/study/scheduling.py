"""Spaced repetition with FSRS, as Anki schedules it: ratings in, card JSON and due date out.

The memory model is the Rust crate Anki uses (`fsrs_rs_python`); the card's states, steps
and intervals follow Anki's scheduler (`study.anki_states`), and days are the learner's
calendar days across a rollover hour (`study.days`), so a history replayed in Anki gives
the same stability, difficulty and next interval (tests/test_anki_replay.py).

Pure functions: the clock is an argument and fuzzing is off, so the same reviews at the
same times always give the same schedule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import fsrs_rs_python

from quizapp.store.rows import CardRow, Rating
from quizapp.study import anki_states
from quizapp.study.anki_states import CardState
from quizapp.study.days import LOCAL_DAYS, Days

AGAIN, HARD, GOOD, EASY = Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY

#: A right answer given within `FAST_SECONDS_PER_DIFFICULTY * difficulty` seconds is "fast"
#: and rated Easy: about the time to read a short prompt and answer from memory, growing
#: with difficulty because harder questions have longer prompts and more to compute.
FAST_SECONDS_PER_DIFFICULTY = 8.0

#: The retention FSRS aims for unless the learner chose another (`desired_retention`).
DEFAULT_RETENTION = 0.9

#: FSRS-6's default parameters (Anki's too, until the learner optimizes).
DEFAULT_PARAMETERS: tuple[float, ...] = tuple(fsrs_rs_python.DEFAULT_PARAMETERS)
#: FSRS-6's bounds on each parameter (the optimizer clips to them; so do we on input).
LOWER_BOUNDS: tuple[float, ...] = (
    0.001, 0.001, 0.001, 0.001, 1.0, 0.001, 0.001, 0.001, 0.0, 0.0, 0.001,
    0.001, 0.001, 0.001, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.1,
)  # fmt: skip
UPPER_BOUNDS: tuple[float, ...] = (
    100.0, 100.0, 100.0, 100.0, 10.0, 4.0, 4.0, 0.75, 4.5, 0.8, 3.5,
    5.0, 0.25, 0.9, 4.0, 1.0, 6.0, 2.0, 2.0, 0.8, 0.8,
)  # fmt: skip


@dataclass(frozen=True)
class MemoryModel:
    """What scheduling needs to know about the learner.

    Attributes:
        parameters: FSRS parameters: the defaults, or those `quizapp optimize` fitted.
        desired_retention: The chance of recall a card is scheduled for (0..1).
        days: The learner's day boundaries (elapsed days and due days are counted in them).
    """

    parameters: tuple[float, ...] = DEFAULT_PARAMETERS
    desired_retention: float = DEFAULT_RETENTION
    days: Days = LOCAL_DAYS

    @property
    def personalized(self) -> bool:
        """True when the parameters were fitted to the learner's history."""
        return self.parameters != DEFAULT_PARAMETERS

    def fsrs(self) -> fsrs_rs_python.FSRS:
        """The FSRS model with these parameters (built once per parameter set)."""
        return _fsrs(self.parameters)


DEFAULT_MODEL = MemoryModel()


@lru_cache(maxsize=16)
def _fsrs(parameters: tuple[float, ...]) -> fsrs_rs_python.FSRS:
    return fsrs_rs_python.FSRS(list(parameters))


def fast_threshold_seconds(difficulty: int) -> float:
    """Seconds under which a right answer to a question of this difficulty counts as fast."""
    if not 1 <= difficulty <= 5:
        raise ValueError(f"difficulty must be 1..5, got {difficulty}")
    return FAST_SECONDS_PER_DIFFICULTY * difficulty


def suggest_rating(correct: bool | None, seconds: float, difficulty: int) -> Rating:
    """The FSRS rating an answer earns by default; the learner may override it with 1-4.

    Args:
        correct: The grade, or None for self-rated questions (flashcard, explain) and
            answers that could not be graded.
        seconds: Time taken to answer.
        difficulty: The question's difficulty, 1..5.

    Returns:
        Again when wrong; Easy when right within `fast_threshold_seconds`; Good when
        right but slower, or when there is no grade to go on.

    Raises:
        ValueError: For negative seconds or a difficulty outside 1..5.
    """
    if seconds < 0:
        raise ValueError(f"seconds must be >= 0, got {seconds}")
    threshold = fast_threshold_seconds(difficulty)
    if correct is None:
        return GOOD
    if not correct:
        return AGAIN
    return EASY if seconds <= threshold else GOOD


def rubric_rating(ticked: int, total: int) -> Rating:
    """The rating a self-scored answer earns: none covered Again, some Hard, all Good.

    Easy is left to the learner's override: covering the rubric says nothing about ease.
    """
    if total <= 0 or ticked <= 0:
        return AGAIN
    return GOOD if ticked >= total else HARD


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got naive {now.isoformat()}")
    return now.astimezone(UTC)


def new_card_json(now: datetime) -> str:
    """The JSON of a never-reviewed card, due at `now`."""
    return CardState.new(_utc(now)).to_json()


def review(
    card_json: str | None, rating: Rating, now: datetime, model: MemoryModel = DEFAULT_MODEL
) -> tuple[str, datetime]:
    """Apply one rating to a card, as Anki's scheduler does.

    The days elapsed since the card's last review are calendar days in `model.days`
    (0 on the same day: FSRS-6's short-term stability); a card graduating to review is
    due at the start of the day its interval lands on.

    Args:
        card_json: The stored card (`CardRow.card_json`), or None for a first review.
        rating: The rating (an int 1..4 is accepted too).
        now: Timezone-aware time of the review.
        model: The learner's parameters, desired retention and days.

    Returns:
        The new card JSON and when it is next due (UTC).

    Raises:
        ValueError: For a rating outside 1..4 or a naive `now`.
    """
    rating = Rating.of(rating)
    now = _utc(now)
    card = CardState.from_json(card_json) if card_json is not None else CardState.new(now)
    elapsed = model.days.elapsed(card.last_review, now) if card.last_review else 0
    memory = (
        fsrs_rs_python.MemoryState(card.stability, card.difficulty)
        if card.stability is not None and card.difficulty is not None
        else None
    )
    states = model.fsrs().next_states(memory, model.desired_retention, elapsed)
    outcome = anki_states.answer(card, int(rating), states, elapsed)
    if outcome.interval_days is not None:
        due = model.days.start_of(model.days.day_of(now) + timedelta(days=outcome.interval_days))
    else:
        due = now + timedelta(seconds=outcome.delay_seconds or 0)
    card = outcome.card.reviewed(now, due, outcome.interval_days)
    return card.to_json(), due


def is_due(card: CardRow | None, now: datetime) -> bool:
    """True when the card is due at `now`; a question never reviewed is new, not due.

    A review card is due from the start of its due day (the rollover), as in Anki.
    """
    return card is not None and card.due <= _utc(now)


def retrievability(card_json: str, now: datetime, model: MemoryModel = DEFAULT_MODEL) -> float:
    """The chance (0..1) of recalling the card at `now`, by FSRS-6's forgetting curve.

    Elapsed time is counted in the learner's calendar days, as FSRS is fed it.
    """
    card = CardState.from_json(card_json)
    if card.last_review is None or card.stability is None:
        return 0.0
    elapsed = max(0, model.days.elapsed(card.last_review, _utc(now)))
    return forgetting_curve(elapsed, card.stability, model.parameters)


def forgetting_curve(elapsed_days: float, stability: float, parameters: Sequence[float]) -> float:
    """FSRS-6's R(t, S) = (1 + factor * t / S) ** -w20, with R(S, S) = 0.9."""
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return float((1 + factor * elapsed_days / stability) ** decay)
