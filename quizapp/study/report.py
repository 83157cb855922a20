"""The mock-interview report: scores by topic and objective, the weakest objective, traps.

A report is built from its items alone (`build_report`), and its JSON keeps the items and
times as the source of truth: `from_json` rebuilds the scores from them, so a stored report
and a fresh one can never disagree about how scores are computed. The derived numbers are
written to the JSON too, for tools that read it without quizapp.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal, cast

from quizapp.packs.models import AnyQuestion, ExplainQuestion
from quizapp.study.mock_plan import question_budget_seconds
from quizapp.study.planning import Filters
from quizapp.textsafe import safe_text

Status = Literal["answered", "skipped", "missed"]
STATUSES: frozenset[str] = frozenset({"answered", "skipped", "missed"})

#: Bumped when the JSON layout changes incompatibly.
REPORT_FORMAT = 1


@dataclass(frozen=True)
class ReportItem:
    """One question of a finished mock interview.

    Attributes:
        covers: Objective ids of the question's pack.
        type: The question type (`choice`, `explain`, ...).
        answer: What the learner answered, as text ("" when skipped or missed).
        expected: The reference answer, formatted for display.
        correct: The grade; None for self-rated questions and answers that could not be
            graded.
        credit: 0..1: 1/0 for graded answers, the fraction of rubric items ticked for explain,
            the fraction of cases passed for code.
        seconds: Time spent on the question.
        budget: The question's time budget in seconds.
        trap: The `why` of the trap the answer fell into, if any.
        status: `answered`; `skipped` by the learner; `missed` when the clock ran out first.
        missed_rubric: For explain questions, the rubric items not ticked.
    """

    pack_id: str
    question_id: str
    topic: str
    covers: tuple[str, ...]
    type: str
    prompt: str
    answer: str
    expected: str
    correct: bool | None
    credit: float
    seconds: float
    budget: int
    trap: str | None = None
    explanation: str = ""
    status: Status = "answered"
    missed_rubric: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 <= self.credit <= 1.0:
            raise ValueError(f"credit must be in 0..1, got {self.credit}")
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {sorted(STATUSES)}, got {self.status!r}")

    @property
    def scored(self) -> bool:
        """False for an answer with no grade to count (the grader failed, or unrated)."""
        return not (self.status == "answered" and self.correct is None and self.type != "explain")

    @property
    def over_budget(self) -> bool:
        """True when the question took longer than its budget."""
        return self.seconds > self.budget

    @classmethod
    def from_question(
        cls,
        pack_id: str,
        question: AnyQuestion,
        *,
        answer: str,
        expected: str,
        correct: bool | None,
        seconds: float,
        rubric_ticked: Collection[int] = (),
        trap: str | None = None,
        status: Status = "answered",
        cases: tuple[int, int] | None = None,
    ) -> ReportItem:
        """The item of one question, with credit computed from the grade or the rubric.

        Args:
            pack_id: The question's pack.
            question: The question model.
            answer: The learner's answer text.
            expected: The reference answer for display.
            correct: The grade (None if self-rated or not gradable).
            seconds: Time spent.
            rubric_ticked: For explain questions, indices of the rubric items the learner
                ticked off.
            trap: The trap `why` the answer fell into, if any.
            status: answered, skipped or missed.
            cases: For code questions, (cases passed, cases run): the credit is their ratio.
        """
        missed_rubric: tuple[str, ...] = ()
        if status != "answered":
            credit = 0.0
        elif isinstance(question, ExplainQuestion):
            ticked = {i for i in rubric_ticked if 0 <= i < len(question.rubric)}
            credit = len(ticked) / len(question.rubric)
            missed_rubric = tuple(text for i, text in enumerate(question.rubric) if i not in ticked)
        elif cases is not None and cases[1] > 0:
            credit = min(1.0, max(0.0, cases[0] / cases[1]))
        else:
            credit = 1.0 if correct else 0.0
        return cls(
            pack_id=pack_id,
            question_id=question.id,
            topic=question.topic,
            covers=tuple(question.covers),
            type=question.type,
            prompt=question.prompt,
            answer=answer,
            expected=expected,
            correct=correct,
            credit=credit,
            seconds=seconds,
            budget=question_budget_seconds(question),
            trap=trap,
            explanation=question.explanation,
            status=status,
            missed_rubric=missed_rubric,
        )


@dataclass(frozen=True)
class Score:
    """Credit earned over the scored questions of a group (a topic, an objective)."""

    questions: int
    credit: float

    @property
    def fraction(self) -> float:
        """credit / questions, 0.0 for an empty group."""
        return self.credit / self.questions if self.questions else 0.0


@dataclass(frozen=True)
class MockReport:
    """A finished mock interview, as stored and shown.

    Attributes:
        score: 0..1, mean credit over the scored questions (skipped and missed count 0).
        by_topic: Score per topic, sorted by topic.
        by_objective: Score per objective, keyed `pack/objective`, sorted.
        weakest_objective: The `pack/objective` with the lowest score below 1, or None.
        suggestion: One line: what to practise next.
        traps: Items whose answer fell into a trap.
        clock_seconds: The total clock when it was set by hand (`quizapp mock --minutes`);
            None when it was the sum of the questions' budgets.
        ended_early: The candidate ended (or quit) the interview before its end.
        seed: The draw's seed: `quizapp mock --seed SEED` asks the same questions again
            (None in reports stored before seeds were kept).
    """

    started_at: datetime
    finished_at: datetime
    paused_seconds: float
    items: tuple[ReportItem, ...]
    score: float
    by_topic: dict[str, Score] = field(default_factory=dict)
    by_objective: dict[str, Score] = field(default_factory=dict)
    weakest_objective: str | None = None
    suggestion: str = ""
    traps: tuple[ReportItem, ...] = ()
    clock_seconds: int | None = None
    ended_early: bool = False
    seed: int | None = None

    @property
    def budget_seconds(self) -> int:
        """The interview's total clock."""
        if self.clock_seconds is not None:
            return self.clock_seconds
        return sum(item.budget for item in self.items)

    @property
    def elapsed_seconds(self) -> float:
        """Clock time used: finish minus start, less the paused time."""
        span = (self.finished_at - self.started_at).total_seconds()
        return max(0.0, span - self.paused_seconds)


def _scores(groups: dict[str, list[ReportItem]]) -> dict[str, Score]:
    return {
        key: Score(questions=len(members), credit=sum(item.credit for item in members))
        for key, members in sorted(groups.items())
    }


def _weakest(by_objective: dict[str, Score]) -> str | None:
    weak = [(score.fraction, -score.questions, key) for key, score in by_objective.items()]
    weak = [entry for entry in weak if entry[0] < 1.0]
    # Lowest score; with equal scores, the one with more evidence, then by name.
    return min(weak)[2] if weak else None


def _suggestion(weakest: str | None, by_topic: dict[str, Score]) -> str:
    target = _target(weakest, by_topic)
    if target is not None and target.objective is not None:
        return (
            f"Weakest objective: {target.objective} ({target.pack}). Practise it with "
            f"`{practice_command(target)}`."
        )
    if target is not None:
        return f"Weakest topic: {target.topic}. Practise it with `{practice_command(target)}`."
    if not by_topic:
        return "Nothing was scored: answer some questions to get a suggestion."
    return "Full marks on every objective: try a longer mock or another pack."


def build_report(
    items: Sequence[ReportItem],
    started_at: datetime,
    finished_at: datetime,
    paused_seconds: float = 0.0,
    clock_seconds: int | None = None,
    ended_early: bool = False,
    seed: int | None = None,
) -> MockReport:
    """Score a finished mock interview.

    Args:
        items: One item per question, in the order asked.
        started_at: When the clock started (timezone-aware).
        finished_at: When the interview ended.
        paused_seconds: Time the clock was paused.
        clock_seconds: The total clock, when not the sum of the questions' budgets.
        ended_early: The interview was ended (or the app quit) before its end.
        seed: The seed the questions were drawn with.

    Returns:
        The report, with scores by topic and by objective (keyed `pack/objective`).

    Raises:
        ValueError: If a time is naive.
    """
    for moment in (started_at, finished_at):
        if moment.tzinfo is None:
            raise ValueError(f"report times must be timezone-aware, got {moment.isoformat()}")
    scored = [item for item in items if item.scored]
    topics: dict[str, list[ReportItem]] = {}
    objectives: dict[str, list[ReportItem]] = {}
    for item in scored:
        topics.setdefault(item.topic, []).append(item)
        for objective in dict.fromkeys(item.covers):
            objectives.setdefault(f"{item.pack_id}/{objective}", []).append(item)
    by_topic = _scores(topics)
    by_objective = _scores(objectives)
    weakest = _weakest(by_objective)
    return MockReport(
        started_at=started_at,
        finished_at=finished_at,
        paused_seconds=paused_seconds,
        items=tuple(items),
        score=sum(item.credit for item in scored) / len(scored) if scored else 0.0,
        by_topic=by_topic,
        by_objective=by_objective,
        weakest_objective=weakest,
        suggestion=_suggestion(weakest, by_topic),
        traps=tuple(item for item in items if item.trap is not None),
        clock_seconds=clock_seconds,
        ended_early=ended_early,
        seed=seed,
    )


def practice_command(target: Filters) -> str:
    """The `quizapp practice` command line that practises `target`."""
    return f"quizapp practice {target.flags}".rstrip()


def _target(weakest: str | None, by_topic: dict[str, Score]) -> Filters | None:
    if weakest is not None:
        pack_id, objective = weakest.split("/", 1)
        return Filters(pack=pack_id, objective=objective)
    weak = [(score.fraction, key) for key, score in by_topic.items() if score.fraction < 1]
    return Filters(topic=min(weak)[1]) if weak else None


def practice_target(report: MockReport) -> Filters | None:
    """What the report's suggestion practises: the weakest objective (with its pack), else
    the weakest topic; None with full marks or nothing scored."""
    return _target(report.weakest_objective, report.by_topic)


# -- JSON ---------------------------------------------------------------------------------


def to_json(report: MockReport) -> str:
    """The report as JSON (stored in `mock_sessions.report_json`)."""

    def score(value: Score) -> dict[str, Any]:
        return {"questions": value.questions, "credit": value.credit, "score": value.fraction}

    document = {
        "format": REPORT_FORMAT,
        "started_at": report.started_at.isoformat(),
        "finished_at": report.finished_at.isoformat(),
        "paused_seconds": report.paused_seconds,
        "score": report.score,
        "budget_seconds": report.budget_seconds,
        "clock_seconds": report.clock_seconds,
        "ended_early": report.ended_early,
        "seed": report.seed,
        "elapsed_seconds": report.elapsed_seconds,
        "by_topic": {key: score(value) for key, value in report.by_topic.items()},
        "by_objective": {key: score(value) for key, value in report.by_objective.items()},
        "weakest_objective": report.weakest_objective,
        "suggestion": report.suggestion,
        "traps": [
            {"pack": item.pack_id, "question": item.question_id, "why": item.trap}
            for item in report.traps
        ],
        "items": [asdict(item) for item in report.items],
    }
    return json.dumps(document, ensure_ascii=False, indent=1)


def _safe_strings(value: Any) -> Any:
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, list):
        return [_safe_strings(item) for item in value]
    if isinstance(value, dict):
        return {key: _safe_strings(item) for key, item in value.items()}
    return value


def _seed(value: object) -> int | None:
    # Absent from reports stored before seeds were kept; never trusted to be an int.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def replay_command(report: MockReport) -> str | None:
    """`quizapp mock --seed N`: the command that draws this interview's questions again."""
    return None if report.seed is None else f"quizapp mock --seed {report.seed}"


def from_json(text: str) -> MockReport:
    """Read a report written by `to_json`; scores are recomputed from the items.

    Raises:
        ValueError: If the text is not a report of a format this code reads.
    """
    try:
        # The store is read back as untrusted text: no control code may reach a terminal.
        document = _safe_strings(json.loads(text))
        if document.get("format") != REPORT_FORMAT:
            raise ValueError(f"unknown report format {document.get('format')!r}")
        items = [
            ReportItem(
                **{
                    **raw,
                    "covers": tuple(raw["covers"]),
                    "missed_rubric": tuple(raw.get("missed_rubric", ())),
                    "status": cast(Status, raw.get("status", "answered")),
                }
            )
            for raw in document["items"]
        ]
        return build_report(
            items,
            started_at=datetime.fromisoformat(document["started_at"]),
            finished_at=datetime.fromisoformat(document["finished_at"]),
            paused_seconds=float(document["paused_seconds"]),
            # Absent from reports stored before the clock could be set by hand.
            clock_seconds=document.get("clock_seconds"),
            ended_early=bool(document.get("ended_early", False)),
            seed=_seed(document.get("seed")),
        )
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as error:
        raise ValueError(f"not a mock report: {error}") from error
