"""Question types, one module each; importing this package registers them all.

To add a type: its model in `packs/models.py`, one module here that calls `register` (or
`register_self_rated`), one import line below, and its input widget in `widgets/inputs.py`.
`tests/test_question_types.py` fails until all of them agree. docs/architecture.md has the
walk-through.
"""

from quizapp.grading.qtypes import (  # noqa: F401  (imported to register)
    choice,
    explain,
    flashcard,
    numeric,
    sequence,
    shape,
    text,
)
from quizapp.grading.qtypes.base import QuestionType, Reference, question_type, registered
from quizapp.grading.values import ValueKind
from quizapp.packs.models import AnyQuestion

__all__ = ["QuestionType", "Reference", "question_type", "reference_kind", "registered"]


def reference_kind(question: AnyQuestion) -> ValueKind | None:
    """The kind of the question's reference value.

    Returns:
        None for questions that have no comparable reference: flashcard and explain (self-rated),
        a choice question without a probe (its reference is which choices are marked correct),
        and a probe whose `observe` is outside the vocabulary.
    """
    return question_type(question).reference_kind(question)
