"""Which questions a practice session asks, and in what order (docs/architecture.md, "Study")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from quizapp.packs.models import AnyQuestion
from quizapp.store.rows import CardRow
from quizapp.study.scheduling import is_due
from quizapp.study.session_order import interleave, without_siblings

if TYPE_CHECKING:
    from quizapp.packs.registry import Registry


@dataclass(frozen=True, eq=False)
class StudyItem:
    """One question of one pack, as sessions and mock interviews handle it.

    Equality and hashing use `key` only: the question model holds lists and is not
    hashable, and progress is keyed by (pack id, question id) anyway.
    """

    pack_id: str
    question: AnyQuestion

    @property
    def key(self) -> tuple[str, str]:
        """(pack id, question id), the key of progress in the store."""
        return (self.pack_id, self.question.id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StudyItem) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)


@dataclass(frozen=True)
class Filters:
    """Which questions a session, an interview or a suggestion draws from; None admits all.

    Attributes:
        pack: Only this pack id.
        topic: Only this topic.
        tag: Only questions with this tag.
        objective: Only questions covering this objective id.
    """

    pack: str | None = None
    topic: str | None = None
    tag: str | None = None
    objective: str | None = None

    def admits(self, item: StudyItem) -> bool:
        """True when `item` passes every set filter."""
        question = item.question
        return (
            (self.pack is None or item.pack_id == self.pack)
            and (self.topic is None or question.topic == self.topic)
            and (self.tag is None or self.tag in question.tags)
            and (self.objective is None or self.objective in question.covers)
        )

    @property
    def flags(self) -> str:
        """The set filters as command-line options: `--pack a --objective b` ("" for none)."""
        pairs = (
            ("pack", self.pack),
            ("topic", self.topic),
            ("tag", self.tag),
            ("objective", self.objective),
        )
        return " ".join(f"--{name} {value}" for name, value in pairs if value)


#: Admits every question.
NO_FILTERS = Filters()


def matching(items: Iterable[StudyItem], filters: Filters = NO_FILTERS) -> list[StudyItem]:
    """The items that pass `filters`, in their order, without duplicate keys."""
    seen: set[tuple[str, str]] = set()
    kept: list[StudyItem] = []
    for item in items:
        if item.key in seen or not filters.admits(item):
            continue
        seen.add(item.key)
        kept.append(item)
    return kept


def study_items(registry: Registry) -> list[StudyItem]:
    """Every loaded question as a StudyItem, in pack order."""
    return [StudyItem(loaded.id, question) for loaded, question in registry.questions()]


def plan_practice(
    items: Iterable[StudyItem],
    cards: Mapping[tuple[str, str], CardRow],
    now: datetime,
    new_limit: int = 10,
    filters: Filters = NO_FILTERS,
) -> list[StudyItem]:
    """A practice session: due cards first, then up to `new_limit` new questions.

    Args:
        items: Every loaded question, in pack order.
        cards: The store's cards (`Store.cards()`), keyed by (pack id, question id).
            Cards of questions no longer in any pack are ignored.
        now: The session's start time.
        new_limit: How many never-reviewed questions to add after the due ones.
        filters: Which questions count.

    Returns:
        Due items, most overdue first (pack order among equal due times), then new items
        in pack order, each question's siblings left out and the whole interleaved
        (`session_order`: packs mixed, topics alternating). Scheduled items not yet due
        are left out.

    Raises:
        ValueError: If `new_limit` is negative.
    """
    if new_limit < 0:
        raise ValueError(f"new_limit must be >= 0, got {new_limit}")
    due: list[tuple[datetime, StudyItem]] = []
    new: list[StudyItem] = []
    for item in matching(items, filters):
        card = cards.get(item.key)
        if card is None:
            new.append(item)
        elif is_due(card, now):
            due.append((card.due, item))
    # sorted() is stable, so items due at the same moment keep pack order.
    due.sort(key=lambda pair: pair[0])
    # Siblings first, so that a buried sibling leaves room for another new question; the
    # new ones are interleaved before the cut, so the limit takes them from every pack.
    kept = without_siblings([item for _, item in due] + new)
    fresh = interleave([item for item in kept if item.key not in cards])[:new_limit]
    return interleave(
        [item for item in kept if item.key in cards] + fresh,
        is_new=lambda item: item.key not in cards,
    )


def plan_cram(items: Iterable[StudyItem], filters: Filters = NO_FILTERS) -> list[StudyItem]:
    """A cram session: every matching question whatever its due date, siblings left out,
    interleaved (`session_order`).

    Cram answers are recorded with mode `cram` and never change a card's schedule.
    """
    return interleave(without_siblings(matching(items, filters)))
