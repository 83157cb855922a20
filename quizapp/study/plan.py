"""The interview plan: from today to the interview, what to practise each day.

Pure: today, the cards and the forecast come in; a plan comes out. While a plan is active
(an `interview_date` today or later), practice follows it:

1. Desired retention is raised (`plan_retention`): intervals shrink, so more is fresh on
   the day. Two weeks out or less it is at least 0.95; further out, 0.03 above the
   learner's own, capped at 0.95.
2. Cards not due before the interview that the model says would be below that retention
   on the interview day are "at risk" and brought forward, lowest recall first, spread over
   the days before the last.
3. New questions are spread over the days before the last, those covering the weakest
   objectives first.
4. A mock interview every `MOCK_EVERY` days (never on the last day), and the last day
   light: only what falls due, at most `LIGHT_DAY_CAP` questions, no new ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from quizapp.store.rows import CardRow
from quizapp.study.history import start_of_day
from quizapp.study.planning import StudyItem
from quizapp.study.scheduling import MemoryModel, is_due, retrievability

INTERVIEW_RETENTION = 0.95
RETENTION_RAISE = 0.03
CLOSE_DAYS = 14
MOCK_EVERY = 3
LIGHT_DAY_CAP = 15
#: The farthest interview a plan is made for: a year ahead, and a day for leap years.
MAX_PLAN_DAYS = 366


class PlanError(ValueError):
    """A plan that cannot be made (an interview date in the past); one line for the user."""


@dataclass(frozen=True)
class PlanDay:
    """One day of the plan.

    Attributes:
        day: The date.
        due: Reviews falling due that day (overdue ones on the first day).
        brought_forward: At-risk cards reviewed early.
        new: New questions introduced.
        mock: A mock interview is planned.
        light: The last day before the interview: a light review only.
    """

    day: date
    due: int
    brought_forward: int
    new: int
    mock: bool
    light: bool

    @property
    def questions(self) -> int:
        """Questions to practise that day."""
        return self.due + self.brought_forward + self.new

    def to_json(self) -> dict[str, object]:
        """One entry of `plan --json`'s `days`."""
        return {
            "date": self.day.isoformat(),
            "questions": self.questions,
            "due": self.due,
            "brought_forward": self.brought_forward,
            "new": self.new,
            "mock": self.mock,
            "light": self.light,
        }


@dataclass(frozen=True)
class InterviewPlan:
    """Daily work until the interview, and the retention practice aims for meanwhile.

    `new_done_today` counts the questions first practised today: today's new quota is the
    day's, so they count against it (a second session adds none of them again).
    """

    interview: date
    retention: float
    at_risk: int
    days: tuple[PlanDay, ...]
    new_done_today: int = 0

    def day(self, when: date) -> PlanDay | None:
        """The plan for `when`, or None outside the plan."""
        return next((d for d in self.days if d.day == when), None)

    def to_json(self) -> dict[str, object]:
        """`plan --json`."""
        return {
            "interview": self.interview.isoformat(),
            "desired_retention": self.retention,
            "at_risk": self.at_risk,
            "new_done_today": self.new_done_today,
            "days": [day.to_json() for day in self.days],
        }


def plan_retention(days_left: int, base: float) -> float:
    """The desired retention while preparing, `days_left` days before the interview."""
    if days_left <= CLOSE_DAYS:
        return max(base, INTERVIEW_RETENTION)
    return max(base, min(INTERVIEW_RETENTION, round(base + RETENTION_RAISE, 4)))


def _spread(total: int, slots: int) -> list[int]:
    # Front-loaded: earlier days take the remainder, so nothing is left for the last days.
    if slots <= 0:
        return []
    base, extra = divmod(total, slots)
    return [base + (1 if i < extra else 0) for i in range(slots)]


def check_interview(today: date, interview: date) -> None:
    """Raise PlanError unless `interview` is today or later, and at most `MAX_PLAN_DAYS` away.

    The one bound on an interview date, for `config`, `plan` and the palette alike: a plan
    has a line per day (`9999-12-31` once printed 2.9 M of them).
    """
    days_left = (interview - today).days
    if days_left < 0:
        raise PlanError(f"the interview date {interview.isoformat()} is in the past")
    if days_left > MAX_PLAN_DAYS:
        raise PlanError(
            f"the interview date {interview.isoformat()} is {days_left} days away; "
            f"a plan covers at most {MAX_PLAN_DAYS} days"
        )


def build_plan(
    today: date,
    interview: date,
    base_retention: float,
    forecast: Sequence[int],
    at_risk: int,
    new_available: int,
    new_done_today: int = 0,
) -> InterviewPlan:
    """The daily plan from `today` to the day before `interview` (today alone if that is it).

    Args:
        today: The first day of the plan.
        interview: The interview day (no practice planned on it).
        base_retention: The learner's desired retention.
        forecast: Cards due per day from today (`history.due_forecast`); days beyond it
            count zero.
        at_risk: Scheduled cards whose recall on the interview day would be below the plan's
            retention.
        new_available: Questions never reviewed.
        new_done_today: Questions first practised today: added to `new_available` so
            today's quota stays the day's, and counted against it.

    Raises:
        PlanError: If the interview is before today or over `MAX_PLAN_DAYS` away.
    """
    check_interview(today, interview)
    days_left = (interview - today).days
    retention = plan_retention(days_left, base_retention)
    count = max(1, days_left)
    busy = count - 1  # every day but the last carries new and brought-forward work
    if busy == 0:
        busy_new, busy_forward = [], []
    else:
        busy_new = _spread(new_available + new_done_today, busy)
        busy_forward = _spread(at_risk, busy)
    days = []
    for offset in range(count):
        day = today + timedelta(days=offset)
        due = forecast[offset] if offset < len(forecast) else 0
        light = offset == count - 1
        if light:
            days.append(PlanDay(day, min(due, LIGHT_DAY_CAP), 0, 0, mock=False, light=True))
            continue
        mock = (offset + 1) % MOCK_EVERY == 0 or (busy < MOCK_EVERY and offset == busy - 1)
        days.append(PlanDay(day, due, busy_forward[offset], busy_new[offset], mock, light=False))
    return InterviewPlan(interview, retention, at_risk, tuple(days), new_done_today)


def at_risk_keys(
    cards: Mapping[tuple[str, str], CardRow],
    interview: date,
    retention: float,
    model: MemoryModel,
) -> dict[tuple[str, str], float]:
    """Cards whose next review comes too late: not due before the interview day, and
    with a predicted recall at the interview below `retention`.

    A card due before the interview is not at risk: it is reviewed on its day anyway (the
    plan's due work), so bringing it forward (maybe minutes after its last review) would
    only repeat it.

    Returns:
        Key to predicted recall on the interview day.
    """
    moment = start_of_day(interview)  # recall is judged as the interview day begins
    risky = {}
    for key, card in cards.items():
        if card.due < moment:
            continue
        recall = retrievability(card.card_json, moment, model)
        if recall < retention:
            risky[key] = recall
    return risky


def weak_objective_keys(
    items: Iterable[StudyItem],
    cards: Mapping[tuple[str, str], CardRow],
    now: datetime,
    weakest: int = 5,
) -> set[tuple[str, str]]:
    """(pack id, objective id) of the `weakest` objectives by share of questions learned."""
    counts: dict[tuple[str, str], list[int]] = {}
    for item in items:
        card = cards.get(item.key)
        learned = card is not None and not is_due(card, now)
        for objective in item.question.covers:
            count = counts.setdefault((item.pack_id, objective), [0, 0])
            count[0] += learned
            count[1] += 1
    ranked = sorted(counts, key=lambda k: (counts[k][0] / counts[k][1], -counts[k][1], k))
    return set(ranked[:weakest])


def plan_session(
    items: Sequence[StudyItem],
    cards: Mapping[tuple[str, str], CardRow],
    now: datetime,
    plan: InterviewPlan,
    model: MemoryModel,
) -> list[StudyItem]:
    """Today's practice under the plan: due cards, then at-risk ones, then new ones.

    `items` are the drawable questions: suspended ones are already left out
    (`Store.unsuspended`).

    Due cards come most overdue first; at-risk cards lowest predicted recall first; both
    at-risk and new questions covering a weak objective come before the others. The day's
    quotas cap the at-risk and new parts (none on the light last day). New questions
    already introduced today (`plan.new_done_today`, by an earlier session) count against
    the day's new quota, so a second session does not add the day's new questions again.
    At-risk cards need no such count: one reviewed today is no longer at risk, and the
    pool only shrinks, so a second session at most takes a later day's share early.
    """
    today = plan.day(now.astimezone(UTC).date()) or plan.days[-1]
    weak = weak_objective_keys(items, cards, now)

    def covers_weak(item: StudyItem) -> bool:
        return any((item.pack_id, o) in weak for o in item.question.covers)

    due = sorted(
        (item for item in items if is_due(cards.get(item.key), now)),
        key=lambda item: cards[item.key].due,
    )
    if today.light:
        return due[: max(today.due, LIGHT_DAY_CAP)]
    risky = at_risk_keys(
        {i.key: cards[i.key] for i in items if i.key in cards},
        plan.interview,
        plan.retention,
        model,
    )
    forward = sorted(
        (item for item in items if item.key in risky),
        key=lambda item: (not covers_weak(item), risky[item.key]),
    )
    new = sorted(
        (item for item in items if item.key not in cards), key=lambda item: not covers_weak(item)
    )
    return due + forward[: today.brought_forward] + new[: max(0, today.new - plan.new_done_today)]
