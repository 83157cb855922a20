"""Which questions a practice session asks, and in what order (DESIGN.md, "Study")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from quizapp.packs.models import AnyQuestion
from quizapp.store.rows import CardRow
from quizapp.study.scheduling import is_due


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


def matching(
    items: Iterable[StudyItem],
    pack: str | None = None,
    topic: str | None = None,
    tag: str | None = None,
    objective: str | None = None,
) -> list[StudyItem]:
    """The items that pass every given filter, in their order, without duplicate keys.

    Args:
        items: Candidate items, in pack order.
        pack: Keep only this pack id.
        topic: Keep only this topic.
        tag: Keep only questions with this tag.
        objective: Keep only questions that cover this objective id.
    """
    seen: set[tuple[str, str]] = set()
    kept: list[StudyItem] = []
    for item in items:
        if item.key in seen:
            continue
        if pack is not None and item.pack_id != pack:
            continue
        if topic is not None and item.question.topic != topic:
            continue
        if tag is not None and tag not in item.question.tags:
            continue
        if objective is not None and objective not in item.question.covers:
            continue
        seen.add(item.key)
        kept.append(item)
    return kept


def plan_practice(
    items: Iterable[StudyItem],
    cards: Mapping[tuple[str, str], CardRow],
    now: datetime,
    new_limit: int = 10,
    pack: str | None = None,
    topic: str | None = None,
    tag: str | None = None,
    objective: str | None = None,
) -> list[StudyItem]:
    """A practice session: due cards first, then up to `new_limit` new questions.

    Args:
        items: Every loaded question, in pack order.
        cards: The store's cards (`Store.cards()`), keyed by (pack id, question id).
            Cards of questions no longer in any pack are ignored.
        now: The session's start time.
        new_limit: How many never-reviewed questions to add after the due ones.
        pack: Only this pack id.
        topic: Only this topic.
        tag: Only questions with this tag.
        objective: Only questions covering this objective id.

    Returns:
        Due items, most overdue first (pack order among equal due times), then new items
        in pack order. Scheduled items not yet due are left out.

    Raises:
        ValueError: If `new_limit` is negative.
    """
    if new_limit < 0:
        raise ValueError(f"new_limit must be >= 0, got {new_limit}")
    due: list[tuple[datetime, StudyItem]] = []
    new: list[StudyItem] = []
    for item in matching(items, pack=pack, topic=topic, tag=tag, objective=objective):
        card = cards.get(item.key)
        if card is None:
            new.append(item)
        elif is_due(card, now):
            due.append((card.due, item))
    # sorted() is stable, so items due at the same moment keep pack order.
    due.sort(key=lambda pair: pair[0])
    return [item for _, item in due] + new[:new_limit]


def plan_cram(
    items: Iterable[StudyItem],
    pack: str | None = None,
    topic: str | None = None,
    tag: str | None = None,
    objective: str | None = None,
) -> list[StudyItem]:
    """A cram session: every matching question in pack order, whatever its due date.

    Cram answers are recorded with mode `cram` and never change a card's schedule.
    """
    return matching(items, pack=pack, topic=topic, tag=tag, objective=objective)
