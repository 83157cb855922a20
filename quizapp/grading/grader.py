"""Grade one answer: parse it as the question's type, compare it with the reference.

The reference is the author's typed answer (`typed_reference`) or the value a probe
computed (built by the reference worker's client). Each question type grades its own
answers in one module of `grading/qtypes/`; this module looks the type up. Each type parses
first, so bad syntax raises `AnswerSyntaxError` before anything is compared.
"""

from __future__ import annotations

from quizapp.grading.parsers import AnswerSyntaxError
from quizapp.grading.qtypes import Reference, question_type
from quizapp.grading.qtypes.choice import correct_choices
from quizapp.grading.result import GradeResult
from quizapp.packs.models import AnyQuestion

__all__ = ["AnswerSyntaxError", "Reference", "correct_choices", "grade", "typed_reference"]


def typed_reference(question: AnyQuestion) -> Reference | None:
    """The reference an author typed into the pack.

    Returns:
        None when the question has a probe (its reference must be computed) or is self-rated
        (flashcard, explain). For a choice question, the letters of the choices marked
        correct ("a" or "a, c"); for a text question, its first accepted answer, else its regex.
    """
    return question_type(question).typed_reference(question)


def grade(question: AnyQuestion, answer: str, reference: Reference | None) -> GradeResult:
    """Grade `answer` against `reference`.

    Args:
        question: The question answered.
        answer: What the learner typed (for choice questions: "a", "a, c", "2", ...).
        reference: The probe's computed result, or the typed reference; when None, the
            typed reference is used if the question has one.

    Returns:
        The result. `correct` is None for self-rated questions (flashcard, explain; the model
        answer is in `expected`) and when there is no reference to compare with.

    Raises:
        AnswerSyntaxError: When the answer cannot be read as the question's type.
    """
    kind = question_type(question)
    if reference is None:
        reference = kind.typed_reference(question)
    return kind.grade(question, answer, reference)
