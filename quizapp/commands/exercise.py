"""`quizapp exercise PACK QUESTION [PATH]`: a code question in your own editor, rustlings-style.

The starter is written to PATH (never over an existing file), then the file is re-graded on
every save and the cases are printed; on a pass the reference solution is printed and the
command exits 0. The code runs as you, on this machine, in the code server's sandbox.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from quizapp.boundedread import UnreadableAnswer, read_answer_file
from quizapp.commands.code_output import echo_code_result
from quizapp.commands.common import Context, pass_context
from quizapp.commands.errors import UserError
from quizapp.commands.grading import find_pack, grading_service
from quizapp.grading.code_grading import function_of
from quizapp.grading.service import GradingService
from quizapp.packs.models import CodeQuestion

#: How often the file's modification time is polled, in seconds.
POLL_SECONDS = 0.25


@click.command()
@click.argument("pack")
@click.argument("question")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@pass_context
def exercise(ctx: Context, pack: str, question: str, path: Path | None) -> None:
    """Write QUESTION's starter to PATH (default ./QUESTION.py) and grade it on every save.

    Stops with the reference solution once every case passes; ctrl+c stops earlier.
    """
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
    with grading_service() as service:
        service.code_grader()  # warm up while the learner edits
        seen = _stamp(target) if not existed else None
        try:
            while True:
                stamp = _stamp(target)
                if stamp is not None and stamp != seen:
                    seen = stamp
                    if _grade(service, found, target):
                        return
                time.sleep(POLL_SECONDS)
        except KeyboardInterrupt:
            click.echo("\nStopped; your file is kept.", err=True)
            raise SystemExit(130) from None


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def _grade(service: GradingService, question: CodeQuestion, path: Path) -> bool:
    try:
        source = read_answer_file(str(path))
    except UnreadableAnswer as error:
        click.echo(str(error), err=True)
        return False
    click.echo(f"\n── {time.strftime('%H:%M:%S')} grading {path} ──")
    result = service.grade(question, source, None)
    echo_code_result(result, solution=bool(result.correct))
    if result.correct:
        click.echo("\nAll cases pass. Well done.")
        return True
    click.echo(f"Waiting for you to save {path}…")
    return False
