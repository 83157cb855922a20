"""Which questions of a pack become notes, and why the others are skipped.

The reference of each question is asked of a callable (the grading service in the CLI), so
that executed questions carry the value diffusers computed and the trace of that step: the
same answer `quizapp grade` compares against, from the same probe cache.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from quizapp.anki.cards import CARD_TYPES, card_fields
from quizapp.anki.deck import NoteSpec
from quizapp.grading.errors import ProbeFailed
from quizapp.grading.grader import Reference
from quizapp.packs.models import AnyQuestion
from quizapp.study.planning import NO_FILTERS, Filters, StudyItem

#: Gives a question's reference (None when self-rated); raises ProbeFailed when a probe fails.
ReferenceOf = Callable[[AnyQuestion], Reference | None]


@dataclass(frozen=True)
class Skipped:
    """A question left out of the deck, and why (one line)."""

    question_id: str
    reason: str


@dataclass
class ExportPlan:
    """The notes of one export and the questions left out."""

    notes: list[NoteSpec] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def selected(
    pack_id: str, questions: list[AnyQuestion], filters: Filters = NO_FILTERS
) -> list[AnyQuestion]:
    """The questions of pack `pack_id` that pass `filters` (`--tag`, `--topic`), in order."""
    return [question for question in questions if filters.admits(StudyItem(pack_id, question))]


def plan_export(
    pack_id: str, questions: list[AnyQuestion], reference_of: ReferenceOf
) -> ExportPlan:
    """A note per card-able question; the rest skipped with the reason.

    Args:
        pack_id: For the notes' GUIDs and source line.
        questions: Already filtered.
        reference_of: Typed or computed reference of a question.
    """
    plan = ExportPlan()
    for question in questions:
        if question.type not in CARD_TYPES:
            plan.skipped.append(Skipped(question.id, f"{question.type} questions are not cards"))
            continue
        try:
            reference = reference_of(question)
        except ProbeFailed as failure:
            plan.skipped.append(Skipped(question.id, f"could not compute: {failure.reason}"))
            continue
        tags = ("quizapp", pack_id, question.topic, *question.tags)
        fields = card_fields(pack_id, question, reference)
        plan.notes.append(NoteSpec(question.id, tags, fields))
    return plan
