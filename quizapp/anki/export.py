"""Which questions of a pack become notes, and why the others are skipped.

Each question is resolved by a callable (the grading service in the CLI): executed
questions carry the value diffusers computed, the trace of that step and their computed
traps' values, the same answer `quizapp grade` compares against, from the same probe cache.

A family (`vary:`) cannot be one note: its prompt is a template, and every variant has its
own answer. It becomes a note per variant, at most `MAX_NOTES_PER_FAMILY`, taken in the
order practice draws them, each with its settings filled in. Choices are in the order of a
review (`in_review_order`), never the author's, where the right one's place is learnable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from quizapp.anki.cards import CARD_TYPES, card_fields
from quizapp.anki.deck import NoteSpec
from quizapp.grading.errors import ProbeFailed
from quizapp.grading.grader import Reference
from quizapp.grading.qtypes.choice import in_review_order
from quizapp.packs.families import Settings, describe, is_family, pin, variants
from quizapp.packs.models import AnyQuestion, ChoiceQuestion
from quizapp.study.planning import NO_FILTERS, Filters, StudyItem
from quizapp.study.variants import draw

#: Gives a concrete question as its card shows it (computed traps filled in for its
#: variant) and its reference (None when self-rated); raises ProbeFailed when a probe fails.
Resolve = Callable[[AnyQuestion], tuple[AnyQuestion, Reference | None]]

#: Notes one family gives at most: enough to meet the family's settings, few enough that
#: the deck is not flooded by near-duplicates (families have up to 64 variants).
MAX_NOTES_PER_FAMILY = 4


@dataclass(frozen=True)
class Skipped:
    """A question (or one variant of it) left out of the deck, and why (one line)."""

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


def card_variants(pack_id: str, question: AnyQuestion) -> list[Settings | None]:
    """The variants a question's notes show: [None] for a plain question; for a family the
    first `MAX_NOTES_PER_FAMILY` of the order practice draws them in."""
    if not is_family(question):
        return [None]
    all_settings = variants(question)
    count = min(len(all_settings), MAX_NOTES_PER_FAMILY)
    return [
        all_settings[draw(pack_id, question.id, len(all_settings), n, None)] for n in range(count)
    ]


def plan_export(pack_id: str, questions: list[AnyQuestion], resolve: Resolve) -> ExportPlan:
    """A note per card-able question (per shown variant of a family); the rest skipped.

    Args:
        pack_id: For the notes' GUIDs and source line.
        questions: Already filtered.
        resolve: The question as shown, and its typed or computed reference.
    """
    plan = ExportPlan()
    for question in questions:
        if question.type not in CARD_TYPES:
            plan.skipped.append(Skipped(question.id, f"{question.type} questions are not cards"))
            continue
        for n, settings in enumerate(card_variants(pack_id, question)):
            variant = None if settings is None else describe(settings)
            shown = question if settings is None else pin(question, settings)
            if isinstance(shown, ChoiceQuestion):
                # As practice asks it (review n): the author's order would give the answer away.
                shown = in_review_order(shown, pack_id, n)
            try:
                shown, reference = resolve(shown)
            except ProbeFailed as failure:
                where = "" if variant is None else f" (variant {variant})"
                plan.skipped.append(
                    Skipped(question.id, f"could not compute{where}: {failure.reason}")
                )
                continue
            tags = ("quizapp", pack_id, question.topic, *question.tags)
            fields = card_fields(pack_id, shown, reference, variant)
            plan.notes.append(NoteSpec(question.id, tags, fields, variant))
    return plan
