"""`explain`: a written answer, self-scored against the rubric after the model answer shows."""

from __future__ import annotations

from quizapp.grading.qtypes.base import register_self_rated
from quizapp.grading.result import GradeResult
from quizapp.packs.models import ExplainQuestion


def grade(question: ExplainQuestion, answer: str) -> GradeResult:
    return GradeResult(
        correct=None,
        expected=question.answer,
        got=" ".join(answer.split()),
        detail=f"self-rated: tick the rubric items your answer covered ({len(question.rubric)})",
    )


EXPLAIN = register_self_rated(ExplainQuestion, grade, budget_seconds=180)
