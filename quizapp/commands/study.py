"""Commands for learners: `quizapp practice` (the TUI in a session) and `quizapp stats`."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click

from quizapp.commands.common import Context, open_store, pass_context, require_matching, run_tui
from quizapp.commands.params import COUNT_OR_ZERO
from quizapp.study.stats import collect_stats, flag_lines, headline, pack_rows


@click.command()
@click.option("--pack", help="Only this pack id.")
@click.option("--topic", help="Only this topic.")
@click.option("--tag", help="Only questions with this tag.")
@click.option("--objective", help="Only questions covering this objective id.")
@click.option(
    "--new",
    "new_limit",
    type=COUNT_OR_ZERO,
    default=10,
    show_default=True,
    help="New questions after the due ones.",
)
@click.option("--cram", is_flag=True, help="Practise every matching question; schedule untouched.")
@pass_context
def practice(
    ctx: Context,
    pack: str | None,
    topic: str | None,
    tag: str | None,
    objective: str | None,
    new_limit: int,
    cram: bool,
) -> None:
    """Practise: due questions first, then up to --new new ones."""
    # Here, not at the top: `stats` shares this module and needs no pack models.
    from quizapp.study.planning import Filters
    from quizapp.study.practice import PracticeOptions

    registry = ctx.registry()
    filters = Filters(pack, topic, tag, objective)
    require_matching(registry, filters)
    run_tui(ctx, registry, start=PracticeOptions(filters, new_limit, cram))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def stats(ctx: Context, as_json: bool) -> None:
    """Reviews, retention, due counts and forecast, objectives, leeches, flags, mocks."""
    packs = ctx.summaries()
    with open_store() as store:
        data = collect_stats(packs, store, datetime.now(UTC))
    if as_json:
        # One line: the C encoder (indent would take the pure-Python one, 8x slower on
        # years of history's leeches); pipe to `python -m json.tool` to read it.
        click.echo(json.dumps(data.to_json(), sort_keys=True))
        return
    click.echo(headline(data))
    rows = pack_rows(data)
    if rows:
        click.echo(
            f"{'pack':<28} {'reviews':>7} {'retention':>9} {'due':>4} {'new':>4} {'flags':>5}"
        )
    for row in rows:
        new = "-" if row.new is None else row.new
        click.echo(
            f"{row.name:<28} {row.reviews:>7} {row.retention_text:>9} {row.due:>4} {new:>4} "
            f"{row.flags:>5}"
        )
    for line in flag_lines(data):
        click.echo(f"flag {line}")
    for leech in data.dashboard.leeches:
        state = " (suspended)" if leech.suspended else ""
        click.echo(f"leech {leech.pack_id}/{leech.question_id}: failed {leech.failures}x{state}")
    click.echo("due next 7 days: " + " ".join(str(n) for n in data.dashboard.forecast[:7]))
