"""Writing one answer to the store: the review row, then the FSRS card it reschedules.

Practice, cram and mock interviews all record through `Recorder` (or `record_answer`), so
an answer is stored the same way whichever screen took it: committed before returning, so
a crash after an answer never loses it.

A store can stop taking writes mid-session (the disk fills up, an I/O error): the answer
is then kept in memory by the store's `Recorder`, the session goes on, and every later
answer (or an explicit `retry`) first tries again to store the ones waiting, in order.
Each step of an answer (review row, card) is done once across those attempts, so a retry
never writes a review twice, and nothing saved before is touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from weakref import WeakKeyDictionary

from quizapp.packs.families import pinned_settings
from quizapp.store.db import Store, StoreIOError
from quizapp.store.rows import Mode, Rating
from quizapp.study import scheduling
from quizapp.study.planning import StudyItem
from quizapp.study.scheduling import DEFAULT_MODEL, MemoryModel


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


@dataclass(eq=False)  # one answer is itself, not any answer with the same fields
class Answer:
    """One answer to store, and how far storing it got (a retry resumes there).

    Attributes:
        item: The question answered.
        answer: The answer as given.
        correct: Its grade; None when self-rated or not gradable.
        rating: The rating that schedules the card; None leaves the card alone. Changing it
            (an override) and recording the answer again reschedules from `card_before`.
        seconds: Time taken.
        mode: `practice`, `cram` or `mock`; a cram review stores no rating.
        at: When it was answered.
        model: The learner's FSRS parameters and desired retention.
        rescheduled_at: When an override changed `rating` (the card is scheduled from
            then); None: from `at`.
        card_read: True once `card_before` has been read.
        card_before: The card JSON before this answer, once read.
        review_id: The review's row id, once written.
        review_rating: The rating that row holds (an override corrects it).
        saved: True once every step is in the store.
    """

    item: StudyItem
    answer: str
    correct: bool | None
    rating: Rating | None
    seconds: float
    mode: Mode
    at: datetime
    model: MemoryModel = DEFAULT_MODEL
    rescheduled_at: datetime | None = None
    card_read: bool = False
    card_before: str | None = None
    review_id: int | None = None
    review_rating: Rating | None = None
    saved: bool = False


def write_answer(store: Store, answer: Answer) -> Recorded:
    """Store `answer`: its review row, then (with a rating) its card; each step once.

    Raises:
        StoreIOError: the store could not take a write; `answer` says how far it got.
    """
    answer.saved = False
    if not answer.card_read:
        card = store.card(*answer.item.key)
        answer.card_before = card.card_json if card is not None else None
        answer.card_read = True
    applied = None if answer.mode == "cram" else answer.rating
    if answer.review_id is None:
        answer.review_id = store.record_review(
            answer.item.pack_id,
            answer.item.question.id,
            answer.answer,
            answer.correct,
            applied,
            answer.seconds,
            answer.mode,
            answer.at,
            variant=pinned_settings(answer.item.question),
        )
        answer.review_rating = applied
    if applied is not None:
        at = answer.rescheduled_at or answer.at
        reschedule(store, answer.item, answer.card_before, applied, at, answer.model)
        if answer.review_rating != applied:
            store.set_review_rating(answer.review_id, applied)
            answer.review_rating = applied
    answer.saved = True
    return Recorded(answer.review_id, answer.card_before)


class Recorder:
    """Stores answers in order; one the store cannot take waits here and is retried.

    While an answer waits, later ones queue behind it, so a card is never rescheduled
    from a state that skipped an answer. There is one recorder per store (`of`): an
    answer kept during one session is still retried in the next.
    """

    _of_store: ClassVar[WeakKeyDictionary[Store, Recorder]] = WeakKeyDictionary()

    def __init__(self, store: Store) -> None:
        self.store = store
        self.waiting: list[Answer] = []
        #: Why the last attempt failed (one line), None once everything is stored.
        self.error: str | None = None

    @classmethod
    def of(cls, store: Store) -> Recorder:
        """The recorder of `store` (made on first use)."""
        recorder = cls._of_store.get(store)
        if recorder is None:
            recorder = cls._of_store[store] = cls(store)
        return recorder

    def record(self, answer: Answer) -> bool:
        """Store `answer` after any still waiting; True when all of them are stored."""
        if answer not in self.waiting:
            self.waiting.append(answer)
        return self.retry()

    def retry(self) -> bool:
        """Try again to store the waiting answers, in order; True when none is left."""
        while self.waiting:
            try:
                write_answer(self.store, self.waiting[0])
            except StoreIOError as error:
                self.error = str(error)
                return False
            self.waiting.pop(0)
        self.error = None
        return True


def record_answer(
    store: Store,
    item: StudyItem,
    answer: str,
    correct: bool | None,
    rating: Rating | None,
    seconds: float,
    mode: Mode,
    at: datetime,
    model: MemoryModel = DEFAULT_MODEL,
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
        model: The learner's FSRS parameters and desired retention.

    A family question's drawn variant (its pinned settings) is stored with the review.
    """
    return write_answer(store, Answer(item, answer, correct, rating, seconds, mode, at, model))


def reschedule(
    store: Store,
    item: StudyItem,
    card_before: str | None,
    rating: Rating,
    at: datetime,
    model: MemoryModel = DEFAULT_MODEL,
) -> None:
    """Apply `rating` to the card as it was before the answer (with `model`), and save it."""
    card_json, due = scheduling.review(card_before, rating, at, model)
    store.save_card(item.pack_id, item.question.id, card_json, due)
