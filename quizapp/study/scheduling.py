"""Spaced repetition with FSRS (the `fsrs` package): ratings in, card JSON and due date out.

Pure functions: the clock is an argument, fuzzing is off, and a new card's id comes from
`now`, so the same reviews at the same times always give the same schedule.
"""

from __future__ import annotations

from datetime import UTC, datetime

import fsrs
from fsrs import Card, Scheduler

from quizapp.store.rows import CardRow, Rating

AGAIN, HARD, GOOD, EASY = Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY

#: A right answer given within `FAST_SECONDS_PER_DIFFICULTY * difficulty` seconds is "fast"
#: and rated Easy: about the time to read a short prompt and answer from memory, growing
#: with difficulty because harder questions have longer prompts and more to compute.
FAST_SECONDS_PER_DIFFICULTY = 8.0

# Fuzzing spreads due dates randomly; off, so that scheduling is reproducible and testable.
_SCHEDULER = Scheduler(enable_fuzzing=False)


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
    # fsrs demands tzinfo == timezone.utc exactly; accept any aware time, refuse naive.
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got naive {now.isoformat()}")
    return now.astimezone(UTC)


def new_card_json(now: datetime) -> str:
    """The JSON of a never-reviewed card, due at `now`."""
    now = _utc(now)
    card = Card(card_id=int(now.timestamp() * 1000), due=now)
    return str(card.to_json())


def review(card_json: str | None, rating: Rating, now: datetime) -> tuple[str, datetime]:
    """Apply one rating to a card.

    Args:
        card_json: The stored card (`CardRow.card_json`), or None for a first review.
        rating: The rating (an int 1..4 is accepted too).
        now: Timezone-aware time of the review.

    Returns:
        The new card JSON and when it is next due (UTC).

    Raises:
        ValueError: For a rating outside 1..4 or a naive `now`.
    """
    rating = Rating.of(rating)
    now = _utc(now)
    card = Card.from_json(card_json if card_json is not None else new_card_json(now))
    card, _log = _SCHEDULER.review_card(card, fsrs.Rating(int(rating)), review_datetime=now)
    due: datetime = card.due.astimezone(UTC)
    return str(card.to_json()), due


def is_due(card: CardRow | None, now: datetime) -> bool:
    """True when the card is due at `now`; a question never reviewed is new, not due."""
    return card is not None and card.due <= _utc(now)
