"""The code questions as a list of exercises, rustlings-style: each one's status and the next.

`quizapp exercise` without a question lists them; on a pass it names the next one. A status
reads the question's reviews in any mode: `passed` once an answer passed every case,
`tried` with answers but no pass, `new` with none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from quizapp.grading.qtypes import question_type
from quizapp.store.db import Store
from quizapp.study.planning import StudyItem

Status = Literal["passed", "tried", "new"]


@dataclass(frozen=True)
class Exercise:
    """One code question and how far the learner got with it."""

    item: StudyItem
    status: Status


def exercises(items: Iterable[StudyItem], store: Store) -> list[Exercise]:
    """Every code question of `items`, in pack order, with its status."""
    # A question whose answer runs on a harness is an exercise (the `code` type today).
    code = [item for item in items if question_type(item.question).harness_run is not None]
    passed: set[tuple[str, str]] = set()
    tried: set[tuple[str, str]] = set()
    for pack_id in dict.fromkeys(item.pack_id for item in code):
        for review in store.reviews(pack_id):
            tried.add((review.pack_id, review.question_id))
            if review.correct:
                passed.add((review.pack_id, review.question_id))
    return [
        Exercise(item, "passed" if item.key in passed else "tried" if item.key in tried else "new")
        for item in code
    ]


def next_exercise(listed: list[Exercise], after: StudyItem) -> Exercise | None:
    """The first exercise not passed after `after` (wrapping round to the first), if any."""
    keys = [exercise.item.key for exercise in listed]
    start = keys.index(after.key) + 1 if after.key in keys else 0
    for exercise in listed[start:] + listed[:start]:
        if exercise.status != "passed" and exercise.item.key != after.key:
            return exercise
    return None
