"""Commands for learners: the TUI (`quizapp`, `quizapp practice`) and `quizapp stats`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click

from quizapp import locations
from quizapp.commands.common import Context, UserError, pass_context
from quizapp.packs.registry import Registry
from quizapp.store.db import Store, StoreError
from quizapp.study.overview import pack_progress
from quizapp.study.runner import PracticeOptions
from quizapp.study.session import StudyItem


def open_store() -> Store:
    """The user's progress store; a corrupt or foreign file is a one-line user error."""
    try:
        return Store.open(locations.db_path())
    except StoreError as error:
        raise UserError(str(error)) from None


def run_app(ctx: Context, start: PracticeOptions | None = None) -> None:
    """Run the TUI on the home screen, or straight into a practice session."""
    registry = ctx.registry()
    if start is not None and start.pack is not None and registry.get(start.pack) is None:
        raise UserError(f"unknown pack {start.pack!r}; loaded: {', '.join(registry.packs) or '-'}")
    store = open_store()
    # Imported here so that `quizapp stats` and friends never load Textual.
    from quizapp.app import QuizApp

    try:
        QuizApp(registry=registry, store=store, start=start).run()
    finally:
        store.close()


@click.command()
@click.option("--pack", help="Only this pack id.")
@click.option("--topic", help="Only this topic.")
@click.option("--tag", help="Only questions with this tag.")
@click.option(
    "--new",
    "new_limit",
    type=click.IntRange(min=0),
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
    new_limit: int,
    cram: bool,
) -> None:
    """Practise: due questions first, then up to --new new ones."""
    run_app(ctx, PracticeOptions(pack, topic, tag, new_limit, cram))


def collect_stats(registry: Registry, store: Store, now: datetime) -> dict[str, Any]:
    """The store's totals plus due/new counts of the installed packs."""
    stats = store.stats(now)
    items = [StudyItem(loaded.id, question) for loaded, question in registry.questions()]
    titles = {pack_id: loaded.pack.pack.title for pack_id, loaded in registry.packs.items()}
    installed = pack_progress(items, titles, store.cards(), now)
    stats["installed"] = {
        p.pack_id: {"total": p.total, "due": p.due, "new": p.new, "mastery": p.mastery}
        for p in installed
    }
    stats["due"] = sum(p.due for p in installed)
    return stats


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def stats(ctx: Context, as_json: bool) -> None:
    """Reviews, per-pack retention, due counts, flags and mock interviews."""
    registry = ctx.registry()
    with open_store() as store:
        data = collect_stats(registry, store, datetime.now(UTC))
    if as_json:
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    click.echo(
        f"{data['reviews']} reviews · {data['due']} due now · "
        f"{data['mock_sessions']} mock interviews · {len(data['flags'])} flags"
    )
    packs = sorted(set(data["packs"]) | set(data["installed"]))
    if packs:
        click.echo(
            f"{'pack':<28} {'reviews':>7} {'retention':>9} {'due':>4} {'new':>4} {'flags':>5}"
        )
    for pack_id in packs:
        history = data["packs"].get(pack_id, {})
        installed = data["installed"].get(pack_id)
        retention = history.get("retention")
        shown = f"{retention:.0%}" if retention is not None else "-"
        flags = sum(flag["pack"] == pack_id for flag in data["flags"])
        due = installed["due"] if installed else history.get("due", 0)
        new = installed["new"] if installed else "-"
        name = pack_id if installed else f"{pack_id} (removed)"
        click.echo(
            f"{name:<28} {history.get('reviews', 0):>7} {shown:>9} {due:>4} {new:>4} {flags:>5}"
        )
    for flag in data["flags"]:
        note = f": {flag['note']}" if flag["note"] else ""
        click.echo(f"flag {flag['pack']}/{flag['question']} ({flag['flagged_at'][:10]}){note}")
