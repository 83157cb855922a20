"""The outcome of running a learner's code: one verdict per case, and the run as a whole."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

from quizapp.engine.protocol import CaseRow, CodeReport, RunStatus
from quizapp.packs.harnesses import MISTAKE_TEXT

#: How a run ended: `done` (every case ran), or why it stopped early.
RUN_STATUSES: tuple[str, ...] = get_args(RunStatus)


@dataclass(frozen=True)
class CaseVerdict:
    """One case of a code question.

    Attributes:
        case: What the case sets (scheduler, guidance, shape...).
        ok: The output has the expected shape and is allclose to diffusers'.
        max_abs_err: max |got - expected| when the shapes agree.
        tolerance: The allclose tolerance, as text.
        expected_shape: The shape diffusers returned.
        got_shape: The shape the learner's function returned (None if not a tensor).
        error: Why the case failed other than by value: an exception with the learner's
            line, a wrong shape, a timeout.
        mistake: The classic mistake the output matches, if any.
    """

    case: str
    ok: bool
    max_abs_err: float | None = None
    tolerance: str = ""
    expected_shape: tuple[int, ...] | None = None
    got_shape: tuple[int, ...] | None = None
    error: str | None = None
    mistake: str | None = None

    @classmethod
    def of(cls, row: CaseRow) -> CaseVerdict:
        """A row of the code server's report."""
        return cls(
            case=row.case,
            ok=row.ok,
            max_abs_err=row.max_abs_err,
            tolerance=row.tolerance,
            expected_shape=row.expected_shape,
            got_shape=row.got_shape,
            error=row.error or None,
            mistake=row.mistake or None,
        )

    def as_json(self) -> dict[str, Any]:
        """The `quizapp grade --json` row."""
        return {
            "case": self.case,
            "ok": self.ok,
            "max_abs_err": self.max_abs_err,
            "expected_shape": list(self.expected_shape) if self.expected_shape else None,
            "got_shape": list(self.got_shape) if self.got_shape is not None else None,
            "error": self.error,
            "mistake": self.mistake,
        }


@dataclass(frozen=True)
class CodeRun:
    """One run of a submission.

    Attributes:
        status: One of `RUN_STATUSES`.
        cases: A verdict per case, in order.
        error: Why the run stopped early (syntax error with its line, timeout...).
        mistake: The classic mistake every failing case matches, if any.
        mistake_text: What that mistake is, in a sentence.
        output: The first 4 KB of what the code printed (stdout and stderr).
        output_bytes: How much it printed in all.
        solution: The question's reference solution, shown after the cases.
    """

    status: str
    cases: tuple[CaseVerdict, ...] = ()
    error: str | None = None
    mistake: str | None = None
    mistake_text: str | None = None
    output: str = ""
    output_bytes: int = 0
    solution: str = ""
    seconds: float = 0.0

    @classmethod
    def of(cls, report: CodeReport, solution: str = "") -> CodeRun:
        """The code server's report as a run; `solution` is shown after the cases."""
        mistake = report.mistake or None
        return cls(
            status=report.status,
            cases=tuple(CaseVerdict.of(row) for row in report.cases),
            error=report.error or None,
            mistake=mistake,
            mistake_text=MISTAKE_TEXT.get(mistake) if mistake else None,
            output=report.output,
            output_bytes=report.output_bytes,
            solution=solution,
            seconds=report.seconds,
        )

    @property
    def passed(self) -> int:
        """Cases that passed."""
        return sum(case.ok for case in self.cases)

    @property
    def all_passed(self) -> bool:
        """Every case ran and passed."""
        return self.status == "done" and bool(self.cases) and self.passed == len(self.cases)

    @property
    def output_cut(self) -> bool:
        """True when more was printed than `output` holds."""
        return self.output_bytes > len(self.output.encode("utf-8", errors="replace"))
