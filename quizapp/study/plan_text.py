"""The interview plan as lines of text: `quizapp plan` prints them, the dashboard shows them."""

from __future__ import annotations

from datetime import date

from quizapp.study.plan import InterviewPlan


def plan_lines(plan: InterviewPlan, today: date) -> list[str]:
    """A headline, then one line per day: date, questions (due + early + new), mock, light."""
    days_left = (plan.interview - today).days
    lines = [
        f"interview {plan.interview.isoformat()} (in {days_left} day(s)) · desired retention"
        f" raised to {plan.retention:.2f} · {plan.at_risk} card(s) at risk brought forward"
    ]
    for day in plan.days:
        parts = f"{day.due} due + {day.brought_forward} early + {day.new} new"
        extra = " · mock interview" if day.mock else ""
        extra += " · light: review only" if day.light else ""
        if day.day == today and plan.new_done_today:
            extra += f" · {plan.new_done_today} new done today"
        marker = "→" if day.day == today else " "
        lines.append(
            f"{marker} {day.day.isoformat()} {day.day.strftime('%a')}  {day.questions:>3} questions"
            f" ({parts}){extra}"
        )
    return lines
