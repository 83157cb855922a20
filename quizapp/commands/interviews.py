"""Mock interviews from the command line: `quizapp mock` (the TUI) and `quizapp report`."""

from __future__ import annotations

import click

from quizapp.commands.common import Context, open_store, pass_context, require_matching, run_tui
from quizapp.commands.errors import UserError
from quizapp.commands.params import COUNT, MINUTES, SEED
from quizapp.study.interview import MockOptions
from quizapp.study.planning import Filters
from quizapp.study.report import from_json
from quizapp.study.report_markdown import to_markdown
from quizapp.study.report_text import to_text


@click.command()
@click.option("--pack", help="Only this pack id.")
@click.option("--topic", help="Only this topic.")
@click.option(
    "--questions",
    type=COUNT,
    default=8,
    show_default=True,
    help="How many questions.",
)
@click.option(
    "--minutes",
    type=MINUTES,
    help="The total clock [default: the questions' budgets added up].",
)
@click.option("--seed", type=SEED, help="Same seed, same questions [default: a new draw].")
@pass_context
def mock(
    ctx: Context,
    pack: str | None,
    topic: str | None,
    questions: int,
    minutes: float | None,
    seed: int | None,
) -> None:
    """A timed mock interview: feedback and a report at the end."""
    registry = ctx.registry()
    filters = Filters(pack=pack, topic=topic)
    require_matching(registry, filters)
    options = MockOptions(filters, questions, minutes, seed)
    run_tui(ctx, registry, mock=options)


@click.command()
@click.argument("n", type=COUNT, default=1)
@click.option("--markdown", is_flag=True, help="Print Markdown instead of plain text.")
def report(n: int, markdown: bool) -> None:
    """Print the N-th latest mock-interview report (1: the latest)."""
    with open_store() as store:
        row = store.mock_session(n)
        count = len(store.mock_sessions()) if row is None else 0
    if row is None:
        if count == 0:
            raise UserError("no mock interview yet: start one with `quizapp mock`")
        raise UserError(f"no report {n}: {count} mock interview(s) stored")
    try:
        stored = from_json(row.report_json)
    except ValueError as error:
        raise UserError(f"report {n} cannot be read: {error}") from None
    click.echo(to_markdown(stored) if markdown else to_text(stored), nl=False)
