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

__all__ = ["QuestionType", "Reference", "question_type", "registered"]
