"""A practice session as it runs: the current question, answers recorded, ratings, summary.

UI-free: screens drive it, tests drive it directly. Every graded answer is written to the
store the moment `record` is called (a review row, and the FSRS card unless cramming), so
a crash or a kill after an answer never loses it; one the store cannot take (a full disk)
is kept and retried by the store's `Recorder` (`Outcome.saved`, `unsaved`). The clock is
injected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from quizapp.grading.result import GradeResult
from quizapp.store.db import Store
from quizapp.store.rows import Rating
from quizapp.study import scheduling
from quizapp.study.active_plan import memory_model, practice_plan
from quizapp.study.clock import Clock
from quizapp.study.planning import (
    NO_FILTERS,
    Filters,
    StudyItem,
    matching,
    plan_cram,
    plan_practice,
)
from quizapp.study.recording import Answer, Recorder
from quizapp.study.scheduling import DEFAULT_MODEL, MemoryModel, rubric_rating
from quizapp.study.variants import draw_items

Mode = Literal["practice", "cram"]

#: The rating keys and names the feedback screen offers.
RATING_NAMES: dict[int, str] = {int(rating): rating.label for rating in Rating}


@dataclass(frozen=True)
class PracticeOptions:
    """What `quizapp practice` and the home screen ask for.

    Attributes:
        filters: Which questions (pack, topic, tag, objective).
        new_limit: New questions added after the due ones.
        cram: Practise every matching question without touching the schedule.
    """

    filters: Filters = NO_FILTERS
    new_limit: int = 10
    cram: bool = False


@dataclass
class Outcome:
    """One answered question.

    Attributes:
        item: The question answered.
        answer: What the learner typed or picked, as stored.
        result: The grade.
        seconds: Time from the question being shown to the answer.
        suggested: The rating the answer earns by default; None when it could not be graded
            (the schedule is then left alone unless the learner rates it).
        rating: The rating applied to the card (the suggestion or the learner's override).
        hints_used: Hints revealed before answering.
        stored: The answer as handed to the store's `Recorder` (what it wrote, or what
            waits to be written when the store could not take it).
    """

    item: StudyItem
    answer: str
    result: GradeResult
    seconds: float
    suggested: Rating | None
    rating: Rating | None = None
    hints_used: int = 0
    stored: Answer | None = None

    @property
    def saved(self) -> bool:
        """True once the answer is in the store (False while it waits for a retry)."""
        return self.stored is None or self.stored.saved

    @property
    def right(self) -> bool:
        """Right when graded correct, or self-rated Good or Easy."""
        if self.result.correct is not None:
            return self.result.correct
        return self.rating is not None and self.rating >= scheduling.GOOD


@dataclass(frozen=True)
class Summary:
    """The end of a session.

    Attributes:
        answered: Questions answered (not skipped).
        right: Answers graded right, or self-rated Good/Easy.
        ungraded: Answers that could not be graded.
        skipped: Questions skipped.
        flagged: Questions flagged for their author.
        seconds: Time spent answering.
        due_now: Cards due at the end of the session, across all packs.
        next_due: The earliest future due time, or None when nothing is scheduled.
        cram: Whether the schedule was left alone.
    """

    answered: int
    right: int
    ungraded: int
    skipped: int
    flagged: int
    seconds: float
    due_now: int
    next_due: datetime | None
    cram: bool


@dataclass
class PracticeSession:
    """The controller of one practice (or cram) session.

    Args:
        items: The planned questions, in order.
        store: Where reviews, cards and flags go.
        clock: Returns the current timezone-aware time.
        pack_dirs: Folder of each pack id, for probes whose model is a relative path.
        cram: When True, answers are recorded with mode `cram` and no card changes.
        model: The learner's FSRS parameters and desired retention.
    """

    items: Sequence[StudyItem]
    store: Store
    clock: Clock
    pack_dirs: Mapping[str, Path] = field(default_factory=dict)
    cram: bool = False
    model: MemoryModel = DEFAULT_MODEL
    index: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: int = 0
    flagged: int = 0
    _shown_at: datetime | None = None
    _hints_shown: int = 0

    @property
    def recorder(self) -> Recorder:
        """Where answers go: the store's recorder, which keeps what it could not store."""
        return Recorder.of(self.store)

    @property
    def unsaved(self) -> int:
        """Answers given that the store could not take yet (kept in memory, retried)."""
        return len(self.recorder.waiting)

    @classmethod
    def plan(
        cls,
        items: Iterable[StudyItem],
        store: Store,
        clock: Clock,
        options: PracticeOptions,
        pack_dirs: Mapping[str, Path] | None = None,
    ) -> PracticeSession:
        """Plan a session from every loaded question: due first, then new (or all, cramming).

        While an interview plan is active (`quizapp plan`), practice follows it: its day's
        at-risk and new questions, scheduled at its raised retention.
        """
        dirs = dict(pack_dirs or {})
        if options.cram:
            planned = draw_items(plan_cram(items, options.filters), store)
            return cls(planned, store, clock, dirs, cram=True)
        now = clock()
        candidates = matching(items, options.filters)
        under_plan = practice_plan(candidates, store, now)
        if under_plan is not None:
            planned, model = under_plan
            return cls(draw_items(planned, store), store, clock, dirs, model=model)
        planned = plan_practice(candidates, store.cards(), now, options.new_limit)
        model = memory_model(store, now)
        return cls(draw_items(planned, store), store, clock, dirs, model=model)

    # -- where we are ----------------------------------------------------------------

    @property
    def mode(self) -> Mode:
        """The mode reviews are recorded with."""
        return "cram" if self.cram else "practice"

    @property
    def finished(self) -> bool:
        """True once every planned question was answered or skipped."""
        return self.index >= len(self.items)

    @property
    def current(self) -> StudyItem | None:
        """The question being asked, or None when the session is over."""
        return None if self.finished else self.items[self.index]

    def upcoming_executed(self) -> list[StudyItem]:
        """The current question and the next executed one after it, if they are executed:
        what to compute in the worker while the learner reads (prefetch)."""
        if self.finished:
            return []
        ahead = [item for item in self.items[self.index + 1 :] if item.question.executed]
        current = self.items[self.index]
        return ([current] if current.question.executed else []) + ahead[:1]

    def pack_dir(self, item: StudyItem) -> Path | None:
        """The folder of the item's pack (probe model paths are relative to it)."""
        return self.pack_dirs.get(item.pack_id)

    def progress(self) -> str:
        """ "3/10 · pack · topic" for the question being asked."""
        item = self.current
        if item is None:
            return f"{len(self.items)}/{len(self.items)}"
        return f"{self.index + 1}/{len(self.items)} · {item.pack_id} · {item.question.topic}"

    # -- asking ----------------------------------------------------------------------

    def show(self) -> None:
        """Start timing the current question (call when it appears on screen)."""
        self._shown_at = self.clock()
        self._hints_shown = 0

    def next_hint(self) -> str | None:
        """The next hint of the current question, or None when none is left."""
        item = self.current
        if item is None or self._hints_shown >= len(item.question.hints):
            return None
        hint = item.question.hints[self._hints_shown]
        self._hints_shown += 1
        return hint

    @property
    def hints_shown(self) -> int:
        """Hints revealed for the current question."""
        return self._hints_shown

    def elapsed(self) -> float:
        """Seconds since the current question was shown."""
        if self._shown_at is None:
            return 0.0
        return max(0.0, (self.clock() - self._shown_at).total_seconds())

    # -- answering -------------------------------------------------------------------

    def suggest(
        self, result: GradeResult, seconds: float, rubric: tuple[int, int] | None
    ) -> Rating | None:
        """The default rating of an answer to the current question.

        Args:
            result: The grade.
            seconds: Time taken.
            rubric: (ticked, total) for explain questions.

        Returns:
            The rating, or None for an objective answer that could not be graded.
        """
        item = self._require()
        question = item.question
        if rubric is not None:
            return rubric_rating(*rubric)
        if result.correct is None and not question.self_rated:
            return None
        rating = scheduling.suggest_rating(result.correct, seconds, question.difficulty)
        # A hint did part of the recall: right with help is Good at best.
        if self._hints_shown and rating == scheduling.EASY:
            rating = scheduling.GOOD
        return rating

    def record(
        self,
        answer: str,
        result: GradeResult,
        rubric: tuple[int, int] | None = None,
        seconds: float | None = None,
    ) -> Outcome:
        """Record the graded answer to the current question, committed before returning.

        The review is stored with the suggested rating and the card is rescheduled with it
        (unless cramming, or the answer could not be graded); `rate` replaces the rating.

        Args:
            answer: The answer as given.
            result: Its grade.
            rubric: (ticked, total) for explain questions.
            seconds: Time taken, measured at submission (grading may take a while
                longer); defaults to the time since `show`.
        """
        item = self._require()
        seconds = self.elapsed() if seconds is None else seconds
        suggested = self.suggest(result, seconds, rubric)
        outcome = Outcome(item, answer, result, seconds, suggested, hints_used=self._hints_shown)
        outcome.stored = Answer(
            item, answer, result.correct, suggested, seconds, self.mode, self.clock(), self.model
        )
        self.recorder.record(outcome.stored)
        outcome.rating = suggested
        self.outcomes.append(outcome)
        return outcome

    def rate(self, outcome: Outcome, rating: int) -> None:
        """Override the rating of `outcome` (1 Again .. 4 Easy): reschedule from before it.

        Raises:
            ValueError: For a rating outside 1..4.
        """
        chosen = Rating.of(rating)
        if chosen == outcome.rating:
            return
        outcome.rating = chosen
        if self.cram or outcome.stored is None:
            return
        # Rescheduled from the card before the answer, at the time of the override.
        outcome.stored.rating, outcome.stored.rescheduled_at = chosen, self.clock()
        self.recorder.record(outcome.stored)

    def skip(self) -> None:
        """Move past the current question without recording an answer."""
        self._require()
        self.skipped += 1
        self.advance()

    def flag(self, note: str) -> None:
        """Flag the current question for its author (stored at once)."""
        item = self._require()
        self.store.add_flag(item.pack_id, item.question.id, note, self.clock())
        self.flagged += 1

    def advance(self) -> None:
        """Go to the next question."""
        self.index += 1
        self._shown_at = None
        self._hints_shown = 0

    # -- the end ---------------------------------------------------------------------

    def summary(self) -> Summary:
        """Answered, right, time, and what is due next."""
        now = self.clock()
        dues = [card.due for card in self.store.cards().values()]
        future = [due for due in dues if due > now]
        return Summary(
            answered=len(self.outcomes),
            right=sum(outcome.right for outcome in self.outcomes),
            ungraded=sum(
                outcome.suggested is None and outcome.rating is None for outcome in self.outcomes
            ),
            skipped=self.skipped,
            flagged=self.flagged,
            seconds=sum(outcome.seconds for outcome in self.outcomes),
            due_now=sum(due <= now for due in dues),
            next_due=min(future) if future else None,
            cram=self.cram,
        )

    def _require(self) -> StudyItem:
        item = self.current
        if item is None:
            raise RuntimeError("the session is over: no current question")
        return item
