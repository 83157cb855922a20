"""The mock-interview report as plain text, for `quizapp report` in a terminal or a pipe."""

from __future__ import annotations

import textwrap
from datetime import UTC

from quizapp.study.clock import minutes_seconds as clock
from quizapp.study.report import MockReport, ReportItem, Score, replay_command

WIDTH = 88


def _outcome(item: ReportItem) -> str:
    if item.status != "answered":
        return "missed (time ran out)" if item.status == "missed" else "skipped"
    if item.type == "explain":
        return f"{item.credit:.0%} of the rubric"
    if item.correct is None:
        return "not graded"
    return "correct" if item.correct else "wrong"


def _scores(title: str, scores: dict[str, Score]) -> list[str]:
    if not scores:
        return []
    width = max(len(key) for key in scores)
    lines = [title]
    lines += [
        f"  {key:<{width}}  {score.fraction:>4.0%}  ({score.questions} question"
        f"{'s' if score.questions != 1 else ''})"
        for key, score in scores.items()
    ]
    return [*lines, ""]


def _field(label: str, text: str) -> list[str]:
    """`label: text`, long or multi-line text wrapped and indented under the label."""
    text = text.strip() or "(none)"
    body = [
        wrapped for line in text.splitlines() for wrapped in textwrap.wrap(line, WIDTH - 14) or [""]
    ]
    head = f"    {label + ':':<10}"
    return [head + body[0], *(" " * len(head) + line for line in body[1:])]


def to_text(report: MockReport) -> str:
    """Summary, scores by topic and objective, then each question with its answers."""
    started = report.started_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    paused = f", paused {clock(report.paused_seconds)}" if report.paused_seconds else ""
    lines = [
        f"Mock interview, {started}" + (" (ended early)" if report.ended_early else ""),
        f"Score {report.score:.0%} · {len(report.items)} questions · "
        f"{clock(report.elapsed_seconds)} used of {clock(report.budget_seconds)}{paused}",
        *textwrap.wrap(report.suggestion, WIDTH),
        *([f"Seed {report.seed}: {replay}"] if (replay := replay_command(report)) else []),
        "",
    ]
    lines += _scores("By topic", report.by_topic)
    lines += _scores("By objective", report.by_objective)
    lines.append("Questions")
    for number, item in enumerate(report.items, start=1):
        over = " over budget" if item.over_budget else ""
        lines.append(
            f"  {number}. {item.question_id} [{item.topic}]: {_outcome(item)} · "
            f"{clock(item.seconds)} of {clock(item.budget)}{over}"
        )
        lines += _field("answer", item.answer)
        lines += _field("expected", item.expected)
        if item.trap:
            lines += _field("trap", item.trap)
        if item.missed_rubric:
            lines += _field("missed", "; ".join(item.missed_rubric))
        if item.explanation:
            lines += _field("why", item.explanation)
    return "\n".join(lines) + "\n"
