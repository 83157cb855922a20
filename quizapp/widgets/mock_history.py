"""Mock-interview history for the home screen: attempts, the latest scores, a trend line."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from quizapp.store.rows import MockRow

SPARKS = "▁▂▃▄▅▆▇█"
#: How many attempts the trend line shows.
TREND_LENGTH = 20


def sparkline(scores: Sequence[float]) -> str:
    """One block per score (0..1), on an absolute scale so 100% is always the full block."""
    top = len(SPARKS) - 1
    return "".join(SPARKS[round(max(0.0, min(1.0, score)) * top)] for score in scores)


def ended_early(row: MockRow) -> bool:
    """True for an interview ended before its end: its score says little about the learner.

    Read straight off the stored JSON (the report module pulls in pydantic, which the home
    screen's first frame cannot afford); an unreadable report is not ended early.
    """
    try:
        document = json.loads(row.report_json)
    except ValueError:
        return False
    return isinstance(document, dict) and document.get("ended_early") is True


def history_text(all_rows: Sequence[MockRow]) -> Text:
    """The widget's text for `all_rows`, newest first (as `Store.mock_sessions` returns
    them); interviews ended early are counted but left out of the scores and the trend."""
    if not all_rows:
        return Text("Mock interviews: none yet. Press m for a timed mock interview.", style="dim")
    rows = [row for row in all_rows if not ended_early(row)]
    early = len(all_rows) - len(rows)
    text = Text("Mock interviews: ")
    text.append(f"{len(all_rows)}", style="bold")
    if early:
        text.append(f" ({early} ended early, not in the trend)")
    if not rows:
        return text
    oldest_first = list(reversed(rows[:TREND_LENGTH]))
    scores = [row.score for row in oldest_first]
    text.append(" · latest ")
    text.append(f"{rows[0].score:.0%}", style="bold")
    if len(rows) > 1:
        change = rows[0].score - rows[1].score
        text.append(f" ({change:+.0%})", style="green" if change >= 0 else "red")
        text.append(f" · best {max(row.score for row in rows):.0%}")
    text.append(" · trend ")
    text.append(sparkline(scores), style="cyan")
    text.append(f" (last {len(scores)}, oldest first) · ")
    text.append("quizapp report", style="italic")
    return text


class MockHistory(Static):
    """The history line; the home screen passes the store's mock sessions to `show`."""

    DEFAULT_CSS = "MockHistory { height: auto; margin: 1 0 0 0; }"

    def __init__(self, rows: Sequence[MockRow] = (), *, id: str | None = None) -> None:
        super().__init__(history_text(rows), id=id)

    def show(self, rows: Sequence[MockRow]) -> None:
        """Redraw for these rows (newest first)."""
        self.update(history_text(rows))
