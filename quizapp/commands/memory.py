"""Commands about the learner's memory model: `config`, `optimize`, `plan`."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import click

from quizapp.commands.common import Context, open_store, pass_context
from quizapp.commands.errors import UserError


@click.command()
@click.argument("key", required=False)
@click.argument("value", required=False)
def config(key: str | None, value: str | None) -> None:
    """Show every setting, show KEY, or set KEY to VALUE."""
    from quizapp.study.settings import SPECS, SettingError, set_setting, shown_values

    with open_store() as store:
        shown = shown_values(store)
        if key is None:
            for name, spec in SPECS.items():
                click.echo(f"{name} = {shown[name]}  # {spec.description}")
            return
        if key not in SPECS:
            raise UserError(f"unknown setting {key!r}; known: {', '.join(SPECS)}")
        if value is None:
            click.echo(shown[key])
            return
        try:
            stored = set_setting(store, key, value, datetime.now(UTC).date())
        except SettingError as error:
            raise UserError(str(error)) from None
    click.echo(f"{key} = {stored}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def optimize(as_json: bool) -> None:
    """Fit FSRS parameters to your review history (py-fsrs's optimizer, in a process)."""
    from quizapp.study.fitting import FitError
    from quizapp.study.fitting import optimize as fit

    with open_store() as store:
        try:
            result = fit(store)
        except FitError as error:
            raise UserError(str(error)) from None
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2, sort_keys=True))
        return
    click.echo(result.message)
    click.echo("parameters: " + ", ".join(f"{p:.4f}" for p in result.parameters))


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--interview {text!r}: expected a date as YYYY-MM-DD") from None


@click.command()
@click.option("--interview", help="The interview date (YYYY-MM-DD); practice follows the plan.")
@click.option("--clear", is_flag=True, help="Forget the interview date; practice as usual.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def plan(ctx: Context, interview: str | None, clear: bool, as_json: bool) -> None:
    """The daily plan until an interview: questions per day, mocks, a light last day."""
    from quizapp.study.active_plan import active_plan
    from quizapp.study.plan import PlanError, check_interview
    from quizapp.study.plan_text import plan_lines
    from quizapp.study.settings import load_settings, set_setting

    now = datetime.now(UTC)
    if interview is not None and clear:
        raise UserError("--interview and --clear do not go together")
    when = _parse_date(interview) if interview is not None else None
    if when is not None:
        try:
            check_interview(now.date(), when)
        except PlanError as error:
            raise UserError(f"--interview {interview}: {error}") from None
    packs = ctx.summaries()
    with open_store() as store:
        if clear:
            set_setting(store, "interview_date", "none", now.date())
            click.echo("interview plan cleared; practice schedules as usual")
            return
        if when is not None:
            set_setting(store, "interview_date", when.isoformat(), now.date())
        try:
            installed = {q.key for p in packs for q in p.questions}
            active = active_plan(store, installed, now, load_settings(store))
        except PlanError as error:
            raise UserError(str(error)) from None
    if active is None:
        raise UserError("no interview planned; set one with --interview YYYY-MM-DD")
    if as_json:
        click.echo(json.dumps(active.to_json(), indent=2, sort_keys=True))
        return
    for line in plan_lines(active, now.date()):
        click.echo(line)
