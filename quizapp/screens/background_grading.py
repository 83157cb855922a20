"""The one way a screen grades an answer or fetches a reference: off the UI thread.

An executed question may wait seconds for the reference worker (it imports torch first), so
screens never call the grading service on the UI thread when that could block. They ask a
`BackgroundGrading` instead: it decides once whether the answer is at hand (typed, cached)
or a thread worker must wait for the reference worker, runs that worker, and posts the
answer back to the screen as a message. Every failure, including a bug in the client,
becomes `GradeResult.ungraded` (or a failure line for a reference): a session never ends
because one question could not be graded.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from textual.dom import DOMNode
from textual.message import Message

from quizapp.grading.errors import ProbeFailed
from quizapp.grading.grader import Reference
from quizapp.grading.parsers import AnswerSyntaxError
from quizapp.grading.result import GradeResult
from quizapp.grading.service import GradingService
from quizapp.oneline import error_line
from quizapp.packs.models import AnyQuestion


@dataclass(frozen=True)
class Lookup:
    """What `BackgroundGrading.reference` found at once.

    Attributes:
        reference: The reference, when known now (None also for self-rated questions).
        failure: Why it cannot be computed, when that is known now.
        pending: True when a thread worker was started: `ReferenceReady` follows.
    """

    reference: Reference | None = None
    failure: str | None = None
    pending: bool = False


class BackgroundGrading:
    """Grades and fetches references for `screen`; the answers arrive as its messages.

    Args:
        screen: Where the thread workers run and the messages go (usually a Screen).
        grading: The grading service (thread-safe).
    """

    class Graded(Message):
        """An answer was graded (or could not be: `result.graded` is False).

        Attributes:
            tag: What the screen passed to `grade`, to tell answers apart.
            result: The grade; ungraded with the reason when anything failed.
            unreadable: The parser's message when the answer could not be read as the
                question's type (the result is then ungraded with that reason).
        """

        def __init__(self, tag: Hashable, result: GradeResult, unreadable: str | None) -> None:
            super().__init__()
            self.tag = tag
            self.result = result
            self.unreadable = unreadable

    class ReferenceReady(Message):
        """A pending reference arrived: `reference`, or `failure` saying why not."""

        def __init__(self, tag: Hashable, reference: Reference | None, failure: str | None) -> None:
            super().__init__()
            self.tag = tag
            self.reference = reference
            self.failure = failure

    def __init__(self, screen: DOMNode, grading: GradingService) -> None:
        self._screen = screen
        self.grading = grading

    @property
    def worker_ready(self) -> bool:
        """True once the reference worker has imported torch (a probe then runs quickly)."""
        return self.grading.worker_ready

    @property
    def code_ready(self) -> bool:
        """True once the code server (which runs learner code) is warm."""
        return self.grading.code_ready

    def waits_for_worker(self, question: AnyQuestion, pack_dir: Path | None) -> bool:
        """True when grading `question` must wait for the reference worker."""
        return self.reference_now(question, pack_dir).pending

    def prefetch(self, questions: list[AnyQuestion], pack_dirs: list[Path | None]) -> None:
        """Start computing these references in the service's own background thread, so
        their grades find them cached (returns at once; failures are the grade's to say)."""
        self.grading.prefetch(questions, pack_dirs)

    def reference_now(self, question: AnyQuestion, pack_dir: Path | None) -> Lookup:
        """The reference if it is at hand, the failure if known, else `pending` (no worker
        is started: see `reference`)."""
        try:
            reference = self.grading.cached_reference(question, pack_dir)
        except ProbeFailed as failure:
            return Lookup(failure=failure.reason)
        if reference is None and question.executed:
            return Lookup(pending=True)
        return Lookup(reference=reference)

    def grade(
        self,
        tag: Hashable,
        question: AnyQuestion,
        answer: str,
        pack_dir: Path | None,
        *,
        exclusive: bool = False,
    ) -> None:
        """Grade `answer` in a thread worker; `Graded(tag, …)` follows.

        Args:
            exclusive: Cancel this screen's earlier grading workers (a newer answer wins).
        """
        self._screen.run_worker(
            partial(self._grade, tag, question, answer, pack_dir),
            name="grade",
            group="background-grading",
            thread=True,
            exclusive=exclusive,
            exit_on_error=False,
        )

    def reference(
        self,
        tag: Hashable,
        question: AnyQuestion,
        pack_dir: Path | None,
        *,
        exclusive: bool = False,
    ) -> Lookup:
        """The reference at once if at hand; else start a thread worker and say `pending`.

        A pending lookup is answered by `ReferenceReady(tag, …)`.

        Args:
            exclusive: Cancel this screen's earlier reference workers (only the question
                shown matters; a cancelled one may never answer).
        """
        lookup = self.reference_now(question, pack_dir)
        if lookup.pending:
            self._screen.run_worker(
                partial(self._reference, tag, question, pack_dir),
                name="reference",
                group="background-reference",
                thread=True,
                exclusive=exclusive,
                exit_on_error=False,
            )
        return lookup

    def abandon(self, question: AnyQuestion, pack_dir: Path | None) -> None:
        """The screen no longer waits for `question`: stop its probe (see the service)."""
        self.grading.abandon(question, pack_dir)

    # -- in the thread workers: no widget is touched, answers go back as messages --------

    def _grade(
        self, tag: Hashable, question: AnyQuestion, answer: str, pack_dir: Path | None
    ) -> None:
        unreadable: str | None = None
        try:
            result = self.grading.grade(question, answer, pack_dir)
        except AnswerSyntaxError as error:
            unreadable = str(error)
            result = GradeResult.ungraded(unreadable, answer)
        except Exception as error:  # a bug in grading: that one question is not graded
            result = GradeResult.ungraded(error_line(error), answer)
        self._screen.post_message(self.Graded(tag, result, unreadable))

    def _reference(self, tag: Hashable, question: AnyQuestion, pack_dir: Path | None) -> None:
        try:
            reference = self.grading.reference(question, pack_dir)
        except ProbeFailed as failure:
            self._screen.post_message(self.ReferenceReady(tag, None, failure.reason))
            return
        except Exception as error:  # a bug in the worker client: shown, not raised
            self._screen.post_message(self.ReferenceReady(tag, None, error_line(error)))
            return
        self._screen.post_message(self.ReferenceReady(tag, reference, None))
