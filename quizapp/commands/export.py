"""`quizapp export PACK --anki`: a pack as an Anki deck, cards updated on re-import."""

from __future__ import annotations

from pathlib import Path

import click

from quizapp.commands.common import Context, pass_context
from quizapp.commands.errors import UserError
from quizapp.commands.grading import find_pack, grading_service


@click.command()
@click.argument("pack")
@click.option("--anki", is_flag=True, help="Write an Anki package (.apkg).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write [default: PACK_ID.apkg here].",
)
@click.option("--tag", help="Only questions with this tag.")
@click.option("--topic", help="Only questions of this topic.")
@pass_context
def export(
    ctx: Context,
    pack: str,
    anki: bool,
    output: Path | None,
    tag: str | None,
    topic: str | None,
) -> None:
    """Export PACK (a pack id or a pack file) as an Anki deck.

    Flashcard, choice, text, numeric, shape and sequence questions become notes: the
    front holds the prompt and choices, the back the answer, the explanation, the traps
    and, for executed questions, the value diffusers computed and the step that produced
    it. Re-exporting updates the cards already imported instead of duplicating them.
    """
    if not anki:
        raise UserError("say which format: --anki (the only one so far)")
    # Imported here: genanki is only needed by this command.
    from quizapp.anki.deck import build_package, write_package
    from quizapp.anki.export import plan_export, selected
    from quizapp.study.planning import Filters

    loaded = find_pack(ctx, pack)
    filters = Filters(tag=tag, topic=topic)
    questions = selected(loaded.id, list(loaded.pack.questions), filters)
    if not questions:
        raise UserError(f"no question of pack {loaded.id!r} matches {filters.flags}")
    target = output or Path.cwd() / f"{loaded.id}.apkg"
    if target.suffix != ".apkg":
        raise UserError(f"{target}: an Anki package ends in .apkg")
    if not target.parent.is_dir():
        raise UserError(f"{target.parent}: no such folder")
    executed = sum(question.executed for question in questions)
    if executed:
        click.echo(f"computing {executed} executed answer(s) (cached ones are instant)…", err=True)
    with grading_service() as service:
        plan = plan_export(
            loaded.id, questions, lambda question: service.reference(question, loaded.path.parent)
        )
    for skipped in plan.skipped:
        click.echo(f"skipped {loaded.id}/{skipped.question_id}: {skipped.reason}", err=True)
    if not plan.notes:
        raise UserError(f"nothing to export: every matching question of {loaded.id!r} was skipped")
    try:
        write_package(build_package(loaded.id, loaded.pack.pack.title, plan.notes), target)
    except OSError as error:
        raise UserError(f"cannot write {target}: {error.strerror or error}") from None
    click.echo(f"wrote {target}: {len(plan.notes)} note(s), {len(plan.skipped)} skipped")
