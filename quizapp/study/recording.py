"""Writing one answer to the store: the review row, then the FSRS card it reschedules.

Practice, cram and mock interviews all record through `record_answer`, so an answer is
stored the same way whichever screen took it: committed before returning, so a crash after
an answer never loses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from quizapp.store.db import Store
from quizapp.store.rows import Mode, Rating
from quizapp.study import scheduling
from quizapp.study.planning import StudyItem


@dataclass(frozen=True)
class Recorded:
    """What `record_answer` wrote.

    Attributes:
        review_id: The review's row id (to correct its rating on an override).
        card_before: The card JSON before this answer (None for a first review), kept so an
            override can reschedule from the same starting point.
    """

    review_id: int
    card_before: str | None


def record_answer(
    store: Store,
    item: StudyItem,
    answer: str,
    correct: bool | None,
    rating: Rating | None,
    seconds: float,
    mode: Mode,
    at: datetime,
) -> Recorded:
    """Store one answer and, with a rating, reschedule its card (never when cramming).

    Args:
        store: The progress store.
        item: The question answered.
        answer: The answer as given.
        correct: Its grade; None when self-rated or not gradable.
        rating: The rating that schedules the card; None leaves the card alone.
        seconds: Time taken.
        mode: `practice`, `cram` or `mock`; a cram review stores no rating.
        at: When it was answered.
    """
    card = store.card(*item.key)
    card_before = card.card_json if card is not None else None
    applied = None if mode == "cram" else rating
    review_id = store.record_review(
        item.pack_id, item.question.id, answer, correct, applied, seconds, mode, at
    )
    if applied is not None:
        reschedule(store, item, card_before, applied, at)
    return Recorded(review_id, card_before)


def reschedule(
    store: Store, item: StudyItem, card_before: str | None, rating: Rating, at: datetime
) -> None:
    """Apply `rating` to the card as it was before the answer, and save it."""
    card_json, due = scheduling.review(card_before, rating, at)
    store.save_card(item.pack_id, item.question.id, card_json, due)
