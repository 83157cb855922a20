"""Everything the dashboard and `stats --json` show about memory, gathered in one place.

The store answers with per-day and per-question aggregates (`store.aggregates`); the pure
functions of `history`, `objectives`, `leeches` and `plan` turn them into series. Packs
come as cached summaries (`packs.summary_cache`), so none of this needs pydantic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from quizapp.packs.summary_cache import PackSummary
from quizapp.store.aggregates import DayAnswers
from quizapp.store.db import Store
from quizapp.study.active_plan import active_plan
from quizapp.study.history import (
    FORECAST_DAYS,
    WeekRetention,
    due_forecast,
    history_start,
    retention_by_week,
    reviews_by_day,
    start_of_day,
)
from quizapp.study.leeches import LEECH_FAILURES, Leech, leeches
from quizapp.study.objectives import ObjectiveMastery, objective_mastery, weakest
from quizapp.study.plan import InterviewPlan
from quizapp.study.settings import Settings, load_settings


@dataclass(frozen=True)
class Dashboard:
    """The memory side of the stats screen at one moment."""

    today: date
    reviews_by_day: list[DayAnswers]
    retention_by_week: list[WeekRetention]
    forecast: list[int]
    objectives: list[ObjectiveMastery]
    weakest: list[ObjectiveMastery]
    leeches: list[Leech]
    suspended: int
    settings: Settings
    plan: InterviewPlan | None

    def to_json(self) -> dict[str, object]:
        """The keys `stats --json` adds."""
        return {
            "forecast": self.forecast,
            "reviews_by_day": [
                {"date": d.day.isoformat(), "right": d.right, "wrong": d.wrong}
                for d in self.reviews_by_day
            ],
            "retention_by_week": [
                {
                    "week": w.week.isoformat(),
                    "right": w.right,
                    "due_reviews": w.total,
                    "retention": w.retention,
                }
                for w in self.retention_by_week
            ],
            "objectives": [o.to_json() for o in self.objectives],
            "leeches": [leech.to_json() for leech in self.leeches],
            "suspended": self.suspended,
            "desired_retention": self.settings.desired_retention,
            "personalized": self.settings.fsrs_parameters is not None,
            "plan": self.plan.to_json() if self.plan is not None else None,
        }


def collect_dashboard(store: Store, packs: Sequence[PackSummary], now: datetime) -> Dashboard:
    """The dashboard's data at `now` (UTC days)."""
    today = now.astimezone(UTC).date()
    since = start_of_day(history_start(today))
    until = start_of_day(today + timedelta(days=1))
    suspended = store.suspended_keys()
    drawable = set(store.unsuspended(q.key for p in packs for q in p.questions))
    objectives = objective_mastery(packs, store.learned_keys(now), drawable)
    settings = load_settings(store)
    return Dashboard(
        today=today,
        reviews_by_day=reviews_by_day(store.answers_per_day(since, until), today),
        retention_by_week=retention_by_week(store.due_answers_per_day(since, until), today),
        forecast=due_forecast(
            store.due_cards_per_day(start_of_day(today + timedelta(FORECAST_DAYS))),
            today,
        ),
        objectives=objectives,
        weakest=weakest(objectives),
        leeches=leeches(store.failure_counts(LEECH_FAILURES), suspended),
        suspended=len(suspended),
        settings=settings,
        plan=active_plan(store, {q.key for p in packs for q in p.questions}, now, settings),
    )
