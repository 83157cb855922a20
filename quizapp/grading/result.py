"""The outcome of grading one answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from quizapp.grading.code_result import CodeRun
from quizapp.oneline import one_line


@dataclass(frozen=True)
class GradeResult:
    """What the learner sees after submitting.

    Attributes:
        correct: True/False, or None when the answer could not be graded (the reference
            worker failed) or is self-rated (flashcard, explain).
        expected: The reference answer, formatted for display.
        got: What the learner's answer was parsed as, formatted for display.
        detail: One line: why it is right or wrong, or why it could not be graded.
        trace: For executed questions, what ran: versions, scheduler, t, shapes at each point.
        trap: The `why` of the trap the answer fell into, if any.
        code: For a code question, the run: a verdict per case, output, the solution.
        trap_source: The observable or mistake of the computed trap it fell into, if any.
    """

    correct: bool | None
    expected: str
    got: str
    detail: str = ""
    trace: tuple[str, ...] = field(default_factory=tuple)
    trap: str | None = None
    code: CodeRun | None = None
    trap_source: str | None = None

    @classmethod
    def ungraded(cls, reason: str, got: str, trace: tuple[str, ...] = ()) -> GradeResult:
        """The result of an answer that could not be graded, and why (the session goes on).

        Args:
            reason: Why, e.g. the worker's failure; whitespace is folded into one line.
            got: The learner's answer as typed, or as far as it was read.
            trace: What ran, when a reference was computed but could not be compared.
        """
        line = one_line(reason) or "unexpected error"
        return cls(
            correct=None,
            expected="?",
            got=got.strip(),
            detail=f"could not grade: {line}",
            trace=trace,
        )

    @property
    def graded(self) -> bool:
        """False when the answer could not be graded."""
        return self.correct is not None

    def as_json(self) -> dict[str, object]:
        """The `quizapp grade --json` object."""
        if self.code is not None:
            return {
                "correct": self.correct,
                "cases": [case.as_json() for case in self.code.cases],
                "mistake": self.code.mistake,
                "detail": self.detail,
                "status": self.code.status,
                "output": self.code.output,
            }
        return {
            "correct": self.correct,
            "expected": self.expected,
            "got": self.got,
            "detail": self.detail,
            # A computed trap is named by its observable or mistake; a typed one by its why.
            "trap": self.trap_source or self.trap,
            "trace": list(self.trace),
        }
