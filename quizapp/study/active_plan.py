"""The interview plan in force: built from the store's settings and cards at a moment.

`plan.py` is pure; this module feeds it from the store, for `quizapp plan`, the dashboard
and practice sessions (which follow the plan while it is active).
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import UTC, date, datetime

from quizapp.store.db import Store
from quizapp.study.history import due_forecast, start_of_day
from quizapp.study.plan import (
    InterviewPlan,
    PlanError,
    at_risk_keys,
    build_plan,
    check_interview,
    plan_retention,
    plan_session,
)
from quizapp.study.planning import StudyItem
from quizapp.study.scheduling import MemoryModel
from quizapp.study.settings import Settings, load_settings


def active_plan(
    store: Store, installed: AbstractSet[tuple[str, str]], now: datetime, settings: Settings
) -> InterviewPlan | None:
    """The plan as of `now`, or None without an interview date today or later.

    Args:
        store: The progress store.
        installed: Keys of every installed question (suspended ones are left out here).
        now: The moment.
        settings: The learner's settings (`interview_date`, `desired_retention`).
    """
    today = now.astimezone(UTC).date()
    interview = _planned(settings, today)
    if interview is None:
        return None
    retention = plan_retention((interview - today).days, settings.desired_retention)
    active = set(store.unsuspended(installed))
    cards = {key: card for key, card in store.cards().items() if key in active}
    risky = at_risk_keys(cards, interview, retention, settings.model(retention))
    due = store.due_cards_per_day(start_of_day(interview))
    introduced = store.first_practised_since(start_of_day(today)) & active
    return build_plan(
        today,
        interview,
        settings.desired_retention,
        due_forecast(due, today, max(1, (interview - today).days)),
        at_risk=len(risky),
        new_available=len(active - set(cards)),
        new_done_today=len(introduced),
    )


def practice_plan(
    items: Sequence[StudyItem], store: Store, now: datetime
) -> tuple[list[StudyItem], MemoryModel] | None:
    """Today's session and memory model under the active plan, or None without one."""
    settings = load_settings(store)
    drawable = set(store.unsuspended(item.key for item in items))
    items = [item for item in items if item.key in drawable]
    plan = active_plan(store, drawable, now, settings)
    if plan is None:
        return None
    model = settings.model(plan.retention)
    planned = plan_session(items, store.cards(), now, plan, model)
    return planned, model


def memory_model(store: Store, now: datetime) -> MemoryModel:
    """The model scheduling uses now: the learner's, at the plan's retention if one is active."""
    settings = load_settings(store)
    today = now.astimezone(UTC).date()
    interview = _planned(settings, today)
    if interview is None:
        return settings.model()
    return settings.model(plan_retention((interview - today).days, settings.desired_retention))


def _planned(settings: Settings, today: date) -> date | None:
    """The interview date a plan is made for: none when past, or too far (a hand-edited store)."""
    interview = settings.interview_date
    if interview is None:
        return None
    try:
        check_interview(today, interview)
    except PlanError:
        return None
    return interview
