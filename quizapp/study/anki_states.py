"""Anki's card states with FSRS: learning steps, review intervals, relearning.

Given the card, the rating and FSRS's next memory states (`fsrs_rs_python.NextStates`, the
crate Anki calls), `answer` picks the state, step and delay or interval as Anki's scheduler
does with its default steps (learning 1m 10m, relearning 10m) and fuzz off:

- a new or learning card moves through the learning steps; Hard on the first step waits
  halfway to the second; Good past the last step, or Easy, graduates it;
- a review card answered Again relearns; otherwise its intervals are ordered
  Hard < Good < Easy (each at least one day more than the one before), and one reviewed
  before it was due keeps at least its interval on Hard;
- a relearning card graduates back to review with Good past its last step, or Easy.

The card is stored as JSON with py-fsrs's keys (`state` 1 learning, 2 review, 3
relearning; `step` the index into the steps), which older stores hold. Stability and
difficulty are rounded as Anki stores them (4 and 3 decimals).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

LEARNING_STEPS_SECONDS = (60, 600)
RELEARNING_STEPS_SECONDS = (600,)
#: Anki's default maximum interval.
MAXIMUM_INTERVAL_DAYS = 36500
LEARNING, REVIEW, RELEARNING = 1, 2, 3
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


class _Memory(Protocol):
    stability: float
    difficulty: float


class _ItemState(Protocol):
    @property
    def memory(self) -> _Memory: ...
    @property
    def interval(self) -> float: ...


class _NextStates(Protocol):
    @property
    def again(self) -> _ItemState: ...
    @property
    def hard(self) -> _ItemState: ...
    @property
    def good(self) -> _ItemState: ...
    @property
    def easy(self) -> _ItemState: ...


@dataclass(frozen=True)
class CardState:
    """One card's scheduling state."""

    card_id: int
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    #: A review card's interval in days (absent from cards stored before it was kept).
    scheduled_days: int | None = None

    @classmethod
    def new(cls, now: datetime) -> CardState:
        """A card never reviewed, due at `now` (its id from `now`, for reproducibility)."""
        return cls(int(now.timestamp() * 1000), LEARNING, 0, None, None, now, None)

    @classmethod
    def from_json(cls, text: str) -> CardState:
        """Read a stored card (py-fsrs's JSON keys)."""
        data: dict[str, Any] = json.loads(text)
        last = data.get("last_review")
        return cls(
            card_id=int(data["card_id"]),
            state=int(data["state"]),
            step=None if data.get("step") is None else int(data["step"]),
            stability=None if data.get("stability") is None else float(data["stability"]),
            difficulty=None if data.get("difficulty") is None else float(data["difficulty"]),
            due=datetime.fromisoformat(data["due"]),
            last_review=datetime.fromisoformat(last) if last else None,
            scheduled_days=data.get("scheduled_days"),
        )

    def to_json(self) -> str:
        """The stored form."""
        return json.dumps(
            {
                "card_id": self.card_id,
                "state": self.state,
                "step": self.step,
                "stability": self.stability,
                "difficulty": self.difficulty,
                "due": self.due.isoformat(),
                "last_review": self.last_review.isoformat() if self.last_review else None,
                "scheduled_days": self.scheduled_days,
            }
        )

    def reviewed(self, at: datetime, due: datetime, interval_days: int | None) -> CardState:
        """This state, last reviewed `at`, due next at `due` (after `interval_days`)."""
        return replace(self, due=due, last_review=at, scheduled_days=interval_days)


@dataclass(frozen=True)
class Outcome:
    """The card after an answer, and either its delay (seconds) or its interval (days)."""

    card: CardState
    delay_seconds: float | None = None
    interval_days: int | None = None


def _days(interval: float, minimum: int) -> int:
    return min(max(round(interval), minimum, 1), MAXIMUM_INTERVAL_DAYS)


def _hard_delay(steps: tuple[int, ...], step: int) -> float:
    # Anki: on the first step, halfway to the second (or 1.5x a lone step, at most a day more).
    if step == 0:
        if len(steps) >= 2:
            return (steps[0] + steps[1]) / 2
        return min(steps[0] * 1.5, steps[0] + 86400)
    return steps[min(step, len(steps) - 1)]


def answer(card: CardState, rating: int, states: _NextStates, elapsed_days: int) -> Outcome:
    """The card after `rating`, given FSRS's next states for it.

    Args:
        card: The card before the answer.
        rating: 1..4.
        states: `FSRS.next_states(memory, desired_retention, elapsed_days)`.
        elapsed_days: Calendar days since the card's last review (0 on the same day).
    """
    chosen = (states.again, states.hard, states.good, states.easy)[rating - 1].memory

    def memory(state: int, step: int | None) -> CardState:
        # Anki stores stability to 4 decimals and difficulty to 3, and goes on from those.
        return replace(
            card,
            state=state,
            step=step,
            stability=round(chosen.stability, 4),
            difficulty=round(chosen.difficulty, 3),
        )

    good_days = _days(states.good.interval, 1)
    if card.state == REVIEW:
        if rating == AGAIN:
            return Outcome(memory(RELEARNING, 0), delay_seconds=RELEARNING_STEPS_SECONDS[0])

        # Anki: reviewed before it was due, a card keeps at least its interval on Hard
        # (same-day reviews barely move stability); Good and Easy each a day more.
        early = card.scheduled_days is not None and elapsed_days < card.scheduled_days
        hard = _days(states.hard.interval, card.scheduled_days or 1 if early else 1)
        good = _days(states.good.interval, hard + 1)
        easy = _days(states.easy.interval, good + 1)
        return Outcome(memory(REVIEW, None), interval_days=(hard, good, easy)[rating - 2])
    steps = RELEARNING_STEPS_SECONDS if card.state == RELEARNING else LEARNING_STEPS_SECONDS
    step = min(card.step or 0, len(steps) - 1)
    if rating == AGAIN:
        return Outcome(memory(card.state, 0), delay_seconds=steps[0])
    if rating == HARD:
        return Outcome(memory(card.state, step), delay_seconds=_hard_delay(steps, step))
    if rating == GOOD and step + 1 < len(steps):
        return Outcome(memory(card.state, step + 1), delay_seconds=steps[step + 1])
    if rating == GOOD:
        return Outcome(memory(REVIEW, None), interval_days=good_days)
    return Outcome(memory(REVIEW, None), interval_days=_days(states.easy.interval, good_days + 1))
