"""`quizapp exercise [PACK [QUESTION [PATH]]]`: code questions in your own editor, rustlings-style.

Without QUESTION it lists the code exercises (of PACK, or of every pack) with their status
and the next one to do. With it, the starter is written to PATH (never over an existing
file), then the file is re-graded on every save and the cases are printed; on a pass the
answer is recorded as a review (as the TUI records a submission), the reference solution
is printed, the next exercise is named, and the command exits 0. A file that does not load
(a SyntaxError, an import-time error) is shown with its line and is not a wrong answer.
The code runs as you, on this machine, in the code server's sandbox.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import click

from quizapp.boundedread import UnreadableAnswer, read_answer_file
from quizapp.commands.code_output import echo_code_result
from quizapp.commands.common import Context, open_store, pass_context
from quizapp.commands.errors import UserError
from quizapp.commands.grading import find_pack, grading_service
from quizapp.grading.code_grading import function_of
from quizapp.grading.parsers import AnswerSyntaxError
from quizapp.grading.service import GradingService
from quizapp.packs.models import CodeQuestion
from quizapp.store.db import Store
from quizapp.study.active_plan import memory_model
from quizapp.study.exercises import Exercise, exercises, next_exercise
from quizapp.study.planning import StudyItem, study_items
from quizapp.study.recording import record_answer
from quizapp.study.scheduling import suggest_rating

#: How often the file's modification time is polled, in seconds.
POLL_SECONDS = 0.25

_MARKS = {"passed": "✓ passed", "tried": "✗ tried ", "new": "· new   "}


@click.command()
@click.argument("pack", required=False)
@click.argument("question", required=False)
@click.argument("path", required=False, type=click.Path(path_type=Path))
@pass_context
def exercise(ctx: Context, pack: str | None, question: str | None, path: Path | None) -> None:
    """Write QUESTION's starter to PATH (default ./QUESTION.py) and grade it on every save.

    Stops once every case passes (the pass is recorded; the reference solution and the
    next exercise are printed); ctrl+c stops earlier. Without QUESTION, lists the code
    exercises (of PACK) with their status.
    """
    if question is None:
        _list(ctx, pack)
        return
    assert pack is not None  # click fills PACK before QUESTION
    loaded = find_pack(ctx, pack)
    found = loaded.pack.question(question)
    if found is None:
        raise UserError(f"pack {loaded.id!r} has no question {question!r}")
    if not isinstance(found, CodeQuestion):
        raise UserError(f"{loaded.id}/{question} is a {found.type} question, not a code one")
    target = path or Path(f"{found.id}.py")
    existed = target.exists()
    if existed and not target.is_file():
        raise UserError(f"{target} is not a file")
    if not existed:
        try:
            target.write_text(found.starter, encoding="utf-8")
        except OSError as error:
            raise UserError(f"cannot write {target}: {error}") from None
    click.echo(found.prompt.rstrip())
    click.echo(f"\nWrite {function_of(found)} in {target}.")
    click.echo(
        ("Kept your existing file. " if existed else "Wrote the starter. ")
        + "It is graded each time you save it (ctrl+c stops); it runs as you, on this machine."
    )
    item = StudyItem(loaded.id, found)
    started = time.monotonic()
    with open_store() as store, grading_service() as service:
        service.code_grader()  # warm up while the learner edits
        seen = _stamp(target) if not existed else None
        try:
            while True:
                stamp = _stamp(target)
                if stamp is not None and stamp != seen:
                    seen = stamp
                    source = _grade(service, found, target)
                    if source is not None:
                        seconds = time.monotonic() - started
                        # Every pack, to name the next exercise (loaded only now: the
                        # first save must be graded as soon as it lands).
                        everything = study_items(ctx.registry(warn=False))
                        _passed(store, item, everything, source, seconds)
                        return
                time.sleep(POLL_SECONDS)
        except KeyboardInterrupt:
            click.echo("\nStopped; your file is kept.", err=True)
            raise SystemExit(130) from None


def _list(ctx: Context, pack: str | None) -> None:
    items = study_items(ctx.registry())
    if pack is not None:
        pack_id = find_pack(ctx, pack).id
        items = [item for item in items if item.pack_id == pack_id]
    with open_store() as store:
        listed = exercises(items, store)
    if not listed:
        raise UserError("no code exercise" + (f" in pack {pack!r}" if pack else ""))
    width = max(len(_command(entry)) for entry in listed)
    for entry in listed:
        command = _command(entry).ljust(width)
        click.echo(f"{_MARKS[entry.status]}  {command}  {entry.item.question.topic}")
    done = sum(entry.status == "passed" for entry in listed)
    click.echo(f"{done} of {len(listed)} passed.")
    todo = next((entry for entry in listed if entry.status != "passed"), None)
    if todo is not None:
        click.echo(f"Next: quizapp exercise {_command(todo)}")


def _command(entry: Exercise) -> str:
    return f"{entry.item.pack_id} {entry.item.question.id}"


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def _grade(service: GradingService, question: CodeQuestion, path: Path) -> str | None:
    """Grade the file once; its source when every case passes, else None."""
    try:
        source = read_answer_file(str(path))
    except UnreadableAnswer as error:
        click.echo(str(error), err=True)
        return None
    click.echo(f"\n── {time.strftime('%H:%M:%S')} grading {path} ──")
    if not service.code_ready:
        click.echo("Starting the code runner (importing torch; the first run takes a while)…")
    try:
        result = service.grade(question, source, None)
    except AnswerSyntaxError as error:
        # The code never ran: nothing to judge yet, so not a wrong answer.
        click.echo(f"{path} does not load: {error}")
        click.echo(f"Waiting for you to save {path}…")
        return None
    echo_code_result(result, solution=bool(result.correct))
    if result.correct:
        return source
    click.echo(f"Waiting for you to save {path}…")
    return None


def _passed(
    store: Store, item: StudyItem, everything: list[StudyItem], source: str, seconds: float
) -> None:
    """Record the pass as a practice review (scheduling the card), then name the next."""
    now = datetime.now(UTC)
    rating = suggest_rating(True, seconds, item.question.difficulty)
    model = memory_model(store, now)
    record_answer(store, item, source, True, rating, seconds, "practice", now, model)
    click.echo(f"\nAll cases pass. Well done: recorded as {rating.label}.")
    following = next_exercise(exercises(everything, store), item)
    if following is None:
        click.echo("Every exercise passes.")
    else:
        click.echo(f"Next: quizapp exercise {_command(following)}")
