"""`flashcard`: recall, then compare with the answer and rate yourself."""

from __future__ import annotations

from quizapp.grading.qtypes.base import register_self_rated
from quizapp.grading.result import GradeResult
from quizapp.packs.models import FlashcardQuestion


def grade(question: FlashcardQuestion, answer: str) -> GradeResult:
    return GradeResult(
        correct=None,
        expected=question.answer,
        got=" ".join(answer.split()),
        detail="self-rated: compare with the answer",
    )


FLASHCARD = register_self_rated(FlashcardQuestion, grade, budget_seconds=45)
