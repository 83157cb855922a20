"""Which variant of a family a review asks: deterministic, and never the last one shown.

The draw depends only on the question and how many times it was reviewed, so a session
can be replayed; a per-question permutation walks through every variant before any
repeats, and its consecutive entries differ, so the variant asked last time is skipped
whenever the family has more than one. A choice question's order of choices is drawn the
same way (`grading.qtypes.choice.in_review_order`).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from quizapp.grading.qtypes.choice import in_review_order
from quizapp.packs.families import is_family, pin, variants
from quizapp.packs.models import ChoiceQuestion
from quizapp.study.planning import StudyItem


class VariantHistory(Protocol):
    """What the draw needs from the store."""

    def variant_history(
        self, pack_id: str, question_id: str
    ) -> tuple[int, dict[str, Any] | None]: ...


def draw(pack_id: str, question_id: str, count: int, reviews: int, last: int | None) -> int:
    """The index of the variant to ask, in 0..count-1.

    Args:
        pack_id: The question's pack.
        question_id: The question.
        count: How many variants it has.
        reviews: How many times it was reviewed before (any mode).
        last: The index of the variant shown last time, if known.
    """
    if count <= 1:
        return 0
    seed = hashlib.sha256(f"{pack_id}/{question_id}".encode()).digest()
    order = list(range(count))
    random.Random(seed).shuffle(order)
    index = order[reviews % count]
    if index == last:  # the history came from another draw (an edited pack): step past it
        index = order[(reviews + 1) % count]
    return index


def draw_item(item: StudyItem, history: VariantHistory) -> StudyItem:
    """The item as this review asks it: a family pinned to the drawn variant, a choice
    question's choices in this review's order; any other question as is."""
    question = item.question
    if not is_family(question) and not isinstance(question, ChoiceQuestion):
        return item
    reviews, last_settings = history.variant_history(*item.key)
    if is_family(question):
        all_settings = variants(question)
        last = _index_of(all_settings, last_settings)
        index = draw(item.pack_id, question.id, len(all_settings), reviews, last)
        question = pin(question, all_settings[index])
    if isinstance(question, ChoiceQuestion):
        question = in_review_order(question, item.pack_id, reviews)
    return StudyItem(item.pack_id, question)


def draw_items(items: Iterable[StudyItem], history: VariantHistory) -> list[StudyItem]:
    """Every item, families pinned to their drawn variant."""
    return [draw_item(item, history) for item in items]


def _index_of(all_settings: list[dict[str, Any]], settings: Mapping[str, Any] | None) -> int | None:
    if settings is None:
        return None
    for index, candidate in enumerate(all_settings):
        if candidate == dict(settings):
            return index
    return None
