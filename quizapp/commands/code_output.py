"""How the command line prints a code run: a line per case, the output, the solution."""

from __future__ import annotations

import click

from quizapp.grading.code_result import CaseVerdict, CodeRun
from quizapp.grading.result import GradeResult


def case_line(case: CaseVerdict) -> str:
    """`✓ DDIM, gs 7.5, (1, 4, 8, 8)  max |err| 0 (rtol 0.0001, atol 1e-05)`."""
    mark = "✓" if case.ok else "✗"
    parts = [f"{mark} {case.case}"]
    if case.error:
        parts.append(case.error)
    elif case.max_abs_err is not None:
        parts.append(f"max |err| {case.max_abs_err:.3g} ({case.tolerance})")
    if case.mistake:
        parts.append(f"mistake: {case.mistake}")
    return "  ".join(parts)


def echo_code_result(result: GradeResult, *, solution: bool = False) -> None:
    """The verdict, a line per case, what the code printed, and optionally the solution."""
    run = result.code
    verdict = {True: "correct", False: "wrong", None: "not graded"}[result.correct]
    click.echo(f"{verdict}: {result.detail}")
    if run is None:
        return
    for case in run.cases:
        click.echo(f"  {case_line(case)}")
    echo_output(run)
    if solution and run.solution:
        click.echo("Reference solution:")
        click.echo(run.solution.rstrip("\n"))


def echo_output(run: CodeRun) -> None:
    """What the code printed (first 4 KB)."""
    if not run.output:
        return
    cut = f" (first 4 KB of {run.output_bytes} bytes)" if run.output_cut else ""
    click.echo(f"Output{cut}:")
    for line in run.output.rstrip("\n").splitlines():
        click.echo(f"  | {line}")
