"""A mock interview as it runs: the clocks, each question's state, grades, self-scores, the end.

UI-free: the mock screen drives it, tests drive it directly. The injected clock is the only
source of time, so a test (or a snapshot) moves time by hand.

Time: the interview has one total countdown and a budget per question. Only running time
counts: time spent paused is recorded for the report but stops both clocks, and a question
accumulates the time it was on screen over all its visits (skip, then come back).

Grading is not done here (it blocks, and executed answers wait for the reference worker):
the screen grades in a thread worker and hands each result to `accept_grade`, in any order,
during or after the interview. Each answer is written to the store as a `mock` review the
moment its grade is known (objective answers when graded, explain and flashcard answers when
self-scored at the end), which also reschedules its FSRS card; the report is stored by
`save` once every grade is in.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from quizapp.grading.formatting import format_value
from quizapp.grading.grader import Reference, correct_choices
from quizapp.grading.qtypes import reference_kind
from quizapp.grading.qtypes.choice import show_choices
from quizapp.grading.result import GradeResult
from quizapp.packs.models import AnyQuestion, ChoiceQuestion, ExplainQuestion, FlashcardQuestion
from quizapp.store.db import Store
from quizapp.store.rows import Rating
from quizapp.study import scheduling
from quizapp.study.active_plan import memory_model
from quizapp.study.clock import Clock
from quizapp.study.mock_plan import plan_mock, question_budget_seconds, total_budget
from quizapp.study.planning import NO_FILTERS, Filters, StudyItem
from quizapp.study.recording import Answer, Recorder
from quizapp.study.report import MockReport, ReportItem, Status, build_report, to_json
from quizapp.study.variants import draw_items

SlotState = Literal["open", "skipped", "answered", "missed"]
EndReason = Literal["done", "ended", "timeout"]
#: What a question shows when the app quit before its grade or reference was computed.
QUIT_NOT_GRADED = "not graded: the interview was quit"

#: The one rubric item a flashcard is self-scored on at the end of an interview.
RECALLED = "My answer matched the model answer"


@dataclass(frozen=True)
class MockOptions:
    """What `quizapp mock` and the home screen ask for.

    Attributes:
        filters: Which questions (pack and topic, from the command line).
        questions: How many questions (fewer when fewer match).
        minutes: The total clock; default the sum of the questions' budgets.
        seed: Same seed and packs, same questions; default a new draw each time.
    """

    filters: Filters = NO_FILTERS
    questions: int = 8
    minutes: float | None = None
    seed: int | None = None


class InterviewError(RuntimeError):
    """An action that the interview's state does not allow (a bug in the caller)."""


@dataclass
class Slot:
    """One question of the interview and what happened to it.

    Attributes:
        item: The question.
        budget: Its time budget, in seconds.
        state: `open` (not yet left), `skipped` (left unanswered), `answered`, or `missed`
            (unanswered when the clock ran out).
        seen: True once it has been on screen.
        answer: What the candidate answered.
        seconds: Running time it was on screen, over all visits.
        answered_at: When it was answered.
        result: Its grade, once it arrived (objective types only).
        expected: The reference answer for display, for questions never graded.
        ticked: Self-scored types: the rubric items ticked at the end.
        recorded: True once its review is in the store.
    """

    item: StudyItem
    budget: int
    state: SlotState = "open"
    seen: bool = False
    answer: str = ""
    seconds: float = 0.0
    answered_at: datetime | None = None
    result: GradeResult | None = None
    expected: str | None = None
    ticked: tuple[int, ...] | None = None
    recorded: bool = False

    @property
    def question(self) -> AnyQuestion:
        """The question model."""
        return self.item.question

    @property
    def self_scored(self) -> bool:
        """True for self-rated questions (explain, flashcard): the candidate scores them at
        the end."""
        return self.question.self_rated

    @property
    def unanswered(self) -> bool:
        """True while it can still be answered (open or skipped)."""
        return self.state in ("open", "skipped")

    @property
    def rubric(self) -> tuple[str, ...]:
        """What a self-scored question is ticked against; empty for objective ones."""
        question = self.question
        if isinstance(question, ExplainQuestion):
            return tuple(question.rubric)
        if isinstance(question, FlashcardQuestion):
            return (RECALLED,)
        return ()

    @property
    def model_answer(self) -> str:
        """The model answer of a self-scored question ("" for objective ones)."""
        question = self.question
        if isinstance(question, ExplainQuestion | FlashcardQuestion):
            return question.answer
        return ""

    @property
    def resolved(self) -> bool:
        """True when the report has all it needs about this question."""
        if self.state == "answered":
            return self.ticked is not None if self.self_scored else self.result is not None
        return self.self_scored or self.expected is not None


def describe_expected(question: AnyQuestion, reference: Reference | None) -> str:
    """The reference answer of `question` as the report shows it.

    Args:
        question: Any question.
        reference: Its typed or computed reference (None for self-rated types).
    """
    if isinstance(question, ExplainQuestion | FlashcardQuestion):
        return question.answer
    if isinstance(question, ChoiceQuestion):
        return show_choices(question, correct_choices(question, reference))
    if reference is None:
        return ""
    kind = reference_kind(question)
    return format_value(reference.value, kind) if kind is not None else str(reference.value)


def _cases_passed(result: GradeResult | None) -> tuple[int, int] | None:
    """(passed, run) of a graded code answer: a mock interview scores it by cases passed."""
    if result is None or result.code is None or not result.code.cases:
        return None
    return (result.code.passed, len(result.code.cases))


class MockInterview:
    """The controller of one mock interview.

    Args:
        items: The planned questions (`study.mock_plan.plan_mock`), in the order asked.
        store: Where reviews, cards and the finished report go.
        clock: Returns the current timezone-aware time.
        total_seconds: The total clock; default the sum of the questions' budgets.
        pack_dirs: Folder of each pack id, for probes whose model is a relative path.

    Raises:
        ValueError: With no items, or a total clock that is not positive.
    """

    def __init__(
        self,
        items: Sequence[StudyItem],
        store: Store,
        clock: Clock,
        total_seconds: int | None = None,
        pack_dirs: Mapping[str, Path] | None = None,
    ) -> None:
        if not items:
            raise ValueError("a mock interview needs at least one question")
        total = total_budget(items) if total_seconds is None else total_seconds
        if total <= 0:
            raise ValueError(f"the total clock must be positive, got {total} s")
        self.items = list(items)
        self.slots = [Slot(item, question_budget_seconds(item.question)) for item in items]
        self.store = store
        self.clock = clock
        self.total_seconds = total
        self.pack_dirs = dict(pack_dirs or {})
        self.index = 0
        self.started_at: datetime | None = None
        self.finished_at: datetime | None = None
        self.end_reason: EndReason | None = None
        self.paused_seconds = 0.0
        self.pauses = 0
        self._paused_at: datetime | None = None
        # When the current question's time started counting; None while paused or over.
        self._visit_from: datetime | None = None

    @classmethod
    def plan(
        cls,
        items: Iterable[StudyItem],
        store: Store,
        clock: Clock,
        options: MockOptions,
        pack_dirs: Mapping[str, Path] | None = None,
    ) -> MockInterview | None:
        """Pick the questions (`study.mock_plan.plan_mock`) and set the clock; not started yet.

        Returns:
            The interview, or None when no question matches the options.
        """
        # Without --seed each attempt draws anew; the clock keeps tests reproducible.
        seed = options.seed if options.seed is not None else int(clock().timestamp())
        planned = plan_mock(items, options.questions, seed, options.filters)
        planned = draw_items(planned, store)
        if not planned:
            return None
        total = None if options.minutes is None else max(1, round(options.minutes * 60))
        return cls(planned, store, clock, total_seconds=total, pack_dirs=pack_dirs)

    # -- state -----------------------------------------------------------------------

    @property
    def started(self) -> bool:
        """True once `start` was called."""
        return self.started_at is not None

    @property
    def finished(self) -> bool:
        """True once the interview ended (done, ended early, or timed out)."""
        return self.finished_at is not None

    @property
    def running(self) -> bool:
        """True between `start` and the end, paused or not."""
        return self.started and not self.finished

    @property
    def paused(self) -> bool:
        """True while the clocks are stopped."""
        return self._paused_at is not None

    @property
    def current(self) -> Slot | None:
        """The question on screen, or None once the interview is over."""
        return self.slots[self.index] if self.running else None

    def pack_dir(self, slot: Slot) -> Path | None:
        """The folder of the slot's pack (probe model paths are relative to it)."""
        return self.pack_dirs.get(slot.item.pack_id)

    def progress(self) -> str:
        """ "3/8 · pack · topic · 2 answered" for the question on screen."""
        answered = sum(slot.state == "answered" for slot in self.slots)
        slot = self.current
        if slot is None:
            return f"{answered}/{len(self.slots)} answered"
        return (
            f"Question {self.index + 1}/{len(self.slots)} · {slot.item.pack_id} · "
            f"{slot.question.topic} · {answered} answered"
        )

    # -- clocks ----------------------------------------------------------------------

    def elapsed(self) -> float:
        """Running seconds since the start, paused time excluded."""
        if self.started_at is None:
            return 0.0
        now = self.finished_at or self._paused_at or self.clock()
        return max(0.0, (now - self.started_at).total_seconds() - self.paused_seconds)

    def remaining(self) -> float:
        """Seconds left on the total clock (never negative)."""
        return max(0.0, self.total_seconds - self.elapsed())

    def question_elapsed(self) -> float:
        """Running seconds the question on screen has had, over all its visits."""
        slot = self.current
        if slot is None:
            return 0.0
        extra = 0.0
        if self._visit_from is not None:
            extra = max(0.0, (self.clock() - self._visit_from).total_seconds())
        return slot.seconds + extra

    def question_remaining(self) -> float:
        """Seconds left of the current question's budget; negative once over it."""
        slot = self.current
        return 0.0 if slot is None else slot.budget - self.question_elapsed()

    def _deadline(self) -> datetime:
        assert self.started_at is not None
        return self.started_at + timedelta(seconds=self.total_seconds + self.paused_seconds)

    def check_time(self) -> bool:
        """End the interview if the total clock has run out; call it on every tick.

        Returns:
            True when this call ended the interview by time-out.
        """
        if not self.running or self.paused or self.remaining() > 0:
            return False
        # The end is the moment the clock hit zero, not the (later) tick that noticed it.
        deadline = self._deadline()
        self._leave(deadline)
        for slot in self.slots:
            if slot.unanswered:
                slot.state = "missed"
        self._end("timeout", deadline)
        return True

    # -- the candidate's actions -----------------------------------------------------

    def start(self) -> None:
        """Start the clocks on the first question."""
        if self.started:
            raise InterviewError("the interview has already started")
        now = self.clock()
        self.started_at = now
        self._visit(0, now)

    def answer(self, text: str) -> Slot | None:
        """Answer the question on screen and move to the next unanswered one.

        An answer is final: `back` only returns to unanswered questions.

        Returns:
            The answered slot (grade it, then `accept_grade`), or None when the clock had
            already run out (the interview is then over and the answer not taken).
        """
        if self.check_time():
            return None
        slot = self._require_active()
        now = self.clock()
        self._leave(now)
        slot.state = "answered"
        slot.answer = text
        slot.answered_at = now
        self._move_forward(now)
        return slot

    def skip(self) -> bool:
        """Leave the question unanswered and go to the next unanswered one.

        Returns:
            False when it is the only unanswered question left (nothing else to go to);
            the question then stays on screen.
        """
        if self.check_time():
            return False
        slot = self._require_active()
        if self._next_unanswered(self.index, forward=True) is None:
            return False
        now = self.clock()
        self._leave(now)
        slot.state = "skipped"
        self._move_forward(now)
        return True

    def back(self) -> bool:
        """Go back to the nearest earlier question left unanswered (wrapping around).

        Returns:
            False when no other question seen so far is unanswered.
        """
        if self.check_time():
            return False
        slot = self._require_active()
        target = self._next_unanswered(self.index, forward=False, seen_only=True)
        if target is None:
            return False
        now = self.clock()
        self._leave(now)
        slot.state = "skipped"
        self._visit(target, now)
        return True

    def pause(self) -> None:
        """Stop both clocks; the time paused is recorded on the report."""
        self._require_active()
        now = self.clock()
        self._leave(now)
        self._paused_at = now
        self.pauses += 1

    def resume(self) -> None:
        """Start the clocks again after `pause`."""
        if self._paused_at is None:
            raise InterviewError("the interview is not paused")
        now = self.clock()
        self.paused_seconds += max(0.0, (now - self._paused_at).total_seconds())
        self._paused_at = None
        self._visit(self.index, now)

    def end(self) -> None:
        """End the interview early: questions not answered count as skipped."""
        if not self.running:
            raise InterviewError("the interview is not running")
        if self.paused:
            self.resume()
        now = self.clock()
        self._leave(now)
        for slot in self.slots:
            if slot.unanswered:
                slot.state = "skipped"
        self._end("ended", now)

    def quit_now(self) -> None:
        """End the interview for good, now (the app is quitting): nothing more will arrive.

        Answered questions keep their answers (each already recorded); a grade still being
        computed becomes "not graded", an explain answer not yet self-scored is reported
        unscored (skipped) rather than scored zero, and a reference never computed is
        shown as such. The report can then be saved, marked ended early.
        """
        if self.running:
            self.end()
        for index in self.pending_grades():
            slot = self.slots[index]
            self.accept_grade(index, GradeResult(None, "", slot.answer, QUIT_NOT_GRADED))
        for index in self.needs_self_score():
            self.slots[index].state = "skipped"
        for index in self.needs_expected():
            self.accept_expected(index, QUIT_NOT_GRADED)

    # -- results arriving ------------------------------------------------------------

    def accept_grade(self, index: int, result: GradeResult) -> None:
        """Take the grade of an answered objective question, and record its review.

        Raises:
            InterviewError: If the slot is not an answered objective question.
        """
        slot = self.slots[index]
        if slot.state != "answered" or slot.self_scored:
            raise InterviewError(f"question {index + 1} has no answer to grade")
        slot.result = result
        rating = None
        if result.correct is not None:
            rating = scheduling.suggest_rating(
                result.correct, slot.seconds, slot.question.difficulty
            )
        self._record(slot, result.correct, rating)

    def accept_expected(self, index: int, expected: str) -> None:
        """Take the reference answer, for display, of a question never answered."""
        self.slots[index].expected = expected

    def needs_expected(self) -> list[int]:
        """Unanswered objective questions whose reference answer is still unknown."""
        return [
            i
            for i, slot in enumerate(self.slots)
            if not slot.self_scored and slot.state != "answered" and slot.expected is None
        ]

    def needs_self_score(self) -> list[int]:
        """Answered explain and flashcard questions not yet scored against their rubric."""
        return [
            i
            for i, slot in enumerate(self.slots)
            if slot.self_scored and slot.state == "answered" and slot.ticked is None
        ]

    def pending_grades(self) -> list[int]:
        """Answered objective questions whose grade has not arrived yet."""
        return [
            i
            for i, slot in enumerate(self.slots)
            if not slot.self_scored and slot.state == "answered" and slot.result is None
        ]

    def self_score(self, index: int, ticked: Collection[int]) -> None:
        """Score an answered explain (or flashcard) question by the rubric items ticked.

        Credit is the fraction of the rubric ticked; the FSRS rating follows it (none
        Again, some Hard, all Good).

        Raises:
            InterviewError: If the slot is not an answered self-scored question.
        """
        slot = self.slots[index]
        if slot.state != "answered" or not slot.self_scored:
            raise InterviewError(f"question {index + 1} is not an answered self-scored question")
        total = len(slot.rubric)
        slot.ticked = tuple(sorted({i for i in ticked if 0 <= i < total}))
        self._record(slot, None, scheduling.rubric_rating(len(slot.ticked), total))

    # -- the end ---------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """True once the interview is over and every question is resolved."""
        return self.finished and all(slot.resolved for slot in self.slots)

    def report(self) -> MockReport:
        """The scored report.

        Raises:
            InterviewError: Before the interview is over and every grade is in.
        """
        if not self.ready or self.started_at is None or self.finished_at is None:
            raise InterviewError("the report needs a finished interview with every grade in")
        items = [self._report_item(slot) for slot in self.slots]
        clock = None if self.total_seconds == total_budget(self.items) else self.total_seconds
        return build_report(
            items,
            self.started_at,
            self.finished_at,
            self.paused_seconds,
            clock_seconds=clock,
            ended_early=self.end_reason == "ended",
        )

    def save(self) -> tuple[MockReport, int]:
        """Store the report; returns it and its row id in the store."""
        report = self.report()
        assert self.started_at is not None and self.finished_at is not None
        row_id = self.store.save_mock(
            self.started_at,
            self.finished_at,
            to_json(report),
            report.score,
            paused_seconds=self.paused_seconds,
        )
        return report, row_id

    # -- internals -------------------------------------------------------------------

    def _report_item(self, slot: Slot) -> ReportItem:
        # A question never answered when the candidate ended early counts as skipped.
        status: Status = "skipped"
        if slot.state in ("answered", "missed"):
            status = "answered" if slot.state == "answered" else "missed"
        result = slot.result
        correct: bool | None = result.correct if result is not None else None
        if isinstance(slot.question, FlashcardQuestion) and slot.ticked is not None:
            correct = bool(slot.ticked)
        expected = slot.model_answer if slot.self_scored else (slot.expected or "")
        if result is not None and result.expected:
            expected = result.expected
        return ReportItem.from_question(
            slot.item.pack_id,
            slot.question,
            answer=slot.answer,
            expected=expected,
            correct=correct,
            seconds=round(slot.seconds, 1),
            rubric_ticked=slot.ticked or (),
            trap=result.trap if result is not None else None,
            status=status,
            cases=_cases_passed(result),
        )

    def _record(self, slot: Slot, correct: bool | None, rating: Rating | None) -> None:
        if slot.recorded:
            return
        at = slot.answered_at or self.clock()
        # The learner's parameters and retention (raised under an interview plan).
        model = memory_model(self.store, at)
        answer = Answer(slot.item, slot.answer, correct, rating, slot.seconds, "mock", at, model)
        # A store that cannot take it now (a full disk) keeps it and retries: see Recorder.
        Recorder.of(self.store).record(answer)
        slot.recorded = True

    def _require_active(self) -> Slot:
        slot = self.current
        if slot is None:
            raise InterviewError("the interview is not running")
        if self.paused:
            raise InterviewError("the interview is paused")
        return slot

    def _visit(self, index: int, now: datetime) -> None:
        self.index = index
        self.slots[index].seen = True
        self._visit_from = now

    def _leave(self, now: datetime) -> None:
        """Add the time of the current visit to the question on screen."""
        if self._visit_from is not None:
            seconds = max(0.0, (now - self._visit_from).total_seconds())
            self.slots[self.index].seconds += seconds
            self._visit_from = None

    def _next_unanswered(self, start: int, *, forward: bool, seen_only: bool = False) -> int | None:
        count = len(self.slots)
        step = 1 if forward else -1
        for offset in range(1, count):
            index = (start + step * offset) % count
            slot = self.slots[index]
            if slot.unanswered and (slot.seen or not seen_only):
                return index
        return None

    def _move_forward(self, now: datetime) -> None:
        target = self._next_unanswered(self.index, forward=True)
        if target is None:
            self._end("done", now)
        else:
            self._visit(target, now)

    def _end(self, reason: EndReason, at: datetime) -> None:
        self._visit_from = None
        self.finished_at = at
        self.end_reason = reason
