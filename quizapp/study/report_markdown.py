"""The mock-interview report as Markdown: summary, tables by topic and objective, questions.

Answers are shown verbatim (inline code with a long enough fence, or a quote when they span
lines); table cells fold whitespace and escape pipes so that no answer can break the table.
"""

from __future__ import annotations

import re
from datetime import UTC

from quizapp.study.clock import minutes_seconds as clock
from quizapp.study.report import MockReport, ReportItem, Score, replay_command


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _answer_line(label: str, text: str) -> str:
    """A list item showing an answer verbatim: inline code, or a quote when multi-line."""
    text = text.strip()
    if not text:
        return f"- **{label}:** *(none)*"
    if "\n" in text:
        # Indented under the list item and followed by a blank line, so the quote stays
        # part of the item and the next item is not read as more of the quote.
        quoted = "\n".join(f"  > {line}" for line in text.splitlines())
        return f"- **{label}:**\n\n{quoted}\n"
    # A fence longer than any backtick run inside keeps the answer verbatim.
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"- **{label}:** {fence}{pad}{text}{pad}{fence}"


def _outcome(item: ReportItem) -> str:
    if item.status == "skipped":
        return "skipped"
    if item.status == "missed":
        return "missed (time ran out)"
    if item.type == "explain":
        return f"{item.credit:.0%} of the rubric"
    if item.correct is None:
        return "not graded"
    return "correct" if item.correct else "wrong"


def _score_table(title: str, heading: str, scores: dict[str, Score]) -> list[str]:
    lines = [f"## {title}", "", f"| {heading} | Questions | Score |", "| --- | ---: | ---: |"]
    lines += [
        f"| {_cell(key)} | {score.questions} | {score.fraction:.0%} |"
        for key, score in scores.items()
    ]
    return [*lines, ""]


def to_markdown(report: MockReport) -> str:
    """A readable Markdown export: summary, tables by topic and objective, each question."""
    started = report.started_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    scored = sum(item.scored for item in report.items)
    lines = [
        f"# Mock interview, {started}" + (" (ended early)" if report.ended_early else ""),
        "",
        f"- **Score:** {report.score:.0%} ({scored} of {len(report.items)} questions scored)",
        f"- **Time:** {clock(report.elapsed_seconds)} used of {clock(report.budget_seconds)}"
        + (f" (paused {clock(report.paused_seconds)})" if report.paused_seconds else ""),
        f"- **Next:** {report.suggestion}",
        *(
            [f"- **Seed:** {report.seed} (`{replay}` asks the same questions)"]
            if (replay := replay_command(report))
            else []
        ),
        "",
    ]
    lines += _score_table("By topic", "Topic", report.by_topic)
    if report.by_objective:
        lines += _score_table("By objective", "Objective", report.by_objective)
    if report.traps:
        lines += ["## Traps fallen into", ""]
        lines += [f"- **{item.question_id}**: {_cell(item.trap or '')}" for item in report.traps]
        lines.append("")
    lines += ["## Questions", ""]
    for number, item in enumerate(report.items, start=1):
        lines += question_section(number, item)
    return "\n".join(lines).rstrip() + "\n"


def question_section(number: int, item: ReportItem) -> list[str]:
    """The lines of one question: outcome, time vs budget, prompt, answers, trap, why.

    The report screen shows the same sections below its tables.
    """
    lines = [
        f"### {number}. {item.pack_id} / {item.question_id}: {_outcome(item)}",
        "",
        f"*{item.topic}* · {item.type} · {clock(item.seconds)} of {clock(item.budget)}"
        + (" (over budget)" if item.over_budget else ""),
        "",
        "\n".join(f"> {line}" for line in item.prompt.strip().splitlines()),
        "",
        _answer_line("Your answer", item.answer),
        _answer_line("Expected", item.expected),
    ]
    if item.trap:
        lines.append(f"- **Trap:** {_cell(item.trap)}")
    if item.missed_rubric:
        lines.append("- **Not covered:** " + "; ".join(map(_cell, item.missed_rubric)))
    if item.explanation:
        lines.append(f"- **Why:** {_cell(item.explanation)}")
    lines.append("")
    return lines
