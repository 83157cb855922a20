"""The interview plan as lines of text: `quizapp plan` prints them, the dashboard shows them."""

from __future__ import annotations

from datetime import date

from quizapp.study.plan import InterviewPlan


def retention_text(plan: InterviewPlan) -> str:
    """The retention practice schedules for, and the learner's own when the plan raises it."""
    if plan.retention > plan.base_retention:
        return (
            f"desired retention {plan.retention:.2f} until the interview"
            f" (yours: {plan.base_retention:.2f}, raised by the plan)"
        )
    return f"desired retention {plan.retention:.2f}"


def session_line(plan: InterviewPlan, today: date) -> str:
    """One line for the home screen: why today's session has the size it has."""
    day = plan.day(today)
    if day is None:
        return ""
    new = max(0, day.new - plan.new_done_today)
    mock = " · a mock interview is planned today" if day.mock else ""
    light = "light day: review only · " if day.light else ""
    return (
        f"Interview plan ({plan.interview.isoformat()}): {light}today {day.due + day.from_new}"
        f" due + {day.brought_forward} brought forward + {new} new"
        f" at retention {plan.retention:.2f}{mock}"
    )


def plan_lines(plan: InterviewPlan, today: date) -> list[str]:
    """A headline, then one line per day: date, questions (due + early + new), mock, light."""
    days_left = (plan.interview - today).days
    lines = [
        f"interview {plan.interview.isoformat()} (in {days_left} day(s)) · {retention_text(plan)}"
        f" · {plan.at_risk} card(s) at risk brought forward"
    ]
    for day in plan.days:
        parts = (
            f"{day.due} due + {day.from_new} from new + {day.brought_forward} early + {day.new} new"
        )
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
