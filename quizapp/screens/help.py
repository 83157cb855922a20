"""`?`: the keys of every screen, read from the screens' own bindings so it cannot drift.

Each row is one action: every key bound to it on that screen and the first line of the
action's docstring. Keys shown only in some states (`letter('skip')` while no text box has
focus, `control('skip')` while one has) resolve to the action they run, so `s` and `ctrl+s`
share the row of `action_skip`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import ClassVar

from textual.actions import parse
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.keys import key_to_character
from textual.screen import ModalScreen
from textual.widgets import Markdown

#: Actions that only pick which key shows: their one argument names the action they run.
KEY_ROUTES = frozenset({"letter", "control"})

#: What the table cannot say: keys that belong to Textual's own widgets, not to bindings.
NOTES = """\
In a question, `enter` submits (choices: arrows + `enter`, or `a`–`f`; several picks:
`space` ticks, `enter` submits). While a text box has focus, letters type into it: use the
`ctrl` keys there. A choice question with six choices takes `f` as its sixth answer: flag
with `ctrl+g`. `ctrl+p` opens the command palette (practice, mock interview, browse, stats,
help).
"""


def key_name(binding: Binding) -> str:
    """How help spells a key: `ctrl+t`, `?`, `escape`, `1`."""
    if binding.key_display:
        return binding.key_display
    character = key_to_character(binding.key)
    if character is not None and character.isprintable() and not character.isspace():
        return character
    return binding.key


def action_text(owner: type[DOMNode], binding: Binding) -> str:
    """The first line of the docstring of the action `binding` runs on `owner`."""
    _, name, parameters = parse(binding.action)
    if name in KEY_ROUTES and parameters and hasattr(owner, f"action_{parameters[0]}"):
        name = str(parameters[0])
    method = getattr(owner, f"action_{name}", None)
    doc = (getattr(method, "__doc__", None) or "").strip()
    return doc.splitlines()[0] if doc else binding.description


@dataclass
class Row:
    """One action of one screen and the keys bound to it."""

    where: str
    text: str
    keys: list[str] = field(default_factory=list)


def key_rows(where: str, owner: type[DOMNode]) -> Iterator[Row]:
    """The rows of `owner`'s bindings, in binding order; a key listed once per screen."""
    rows: dict[str, Row] = {}
    seen: set[str] = set()
    for binding in Binding.make_bindings(owner.BINDINGS):
        key = key_name(binding)
        if key in seen:
            continue  # the same key's hidden twin, or a second state of it (p: resume)
        seen.add(key)
        text = action_text(owner, binding)
        rows.setdefault(text, Row(where, text)).keys.append(key)
    yield from rows.values()


def help_markdown(owners: Iterable[tuple[str, type[DOMNode]]]) -> str:
    """The help page: a table of every owner's keys, then the notes."""
    lines = ["# Keys", "", "| where | key | does |", "| --- | --- | --- |"]
    for where, owner in owners:
        for row in key_rows(where, owner):
            keys = " / ".join(f"`{key}`" for key in row.keys)
            lines.append(f"| {where} | {keys} | {row.text.replace('|', '/')} |")
    return "\n".join([*lines, "", NOTES])


def quizapp_key_owners() -> list[tuple[str, type[DOMNode]]]:
    """quizapp's screens and answer inputs, in the order a learner meets them."""
    # Imported here: help is opened rarely, and the screens import the whole UI.
    from quizapp.screens.browse import BrowseScreen
    from quizapp.screens.feedback import FeedbackScreen
    from quizapp.screens.home import HomeScreen
    from quizapp.screens.mock_interview import MockScreen
    from quizapp.screens.practice import PracticeScreen
    from quizapp.screens.report import ReportScreen
    from quizapp.screens.stats import StatsScreen
    from quizapp.screens.summary import SummaryScreen
    from quizapp.screens.try_question import TryScreen
    from quizapp.widgets.explain_answer import ExplainAnswer
    from quizapp.widgets.flashcard_answer import FlashcardAnswer
    from quizapp.widgets.notes_answer import NotesAnswer

    return [
        ("home", HomeScreen),
        ("question", PracticeScreen),
        ("flashcard", FlashcardAnswer),
        ("explain", ExplainAnswer),
        ("feedback", FeedbackScreen),
        ("summary", SummaryScreen),
        ("mock", MockScreen),
        ("mock notes", NotesAnswer),
        ("report", ReportScreen),
        ("stats", StatsScreen),
        ("browse", BrowseScreen),
        ("try", TryScreen),
    ]


class HelpScreen(ModalScreen[None]):
    """The keys of the app and of every screen; dismissed by escape, q or ?.

    Args:
        owners: (where, screen or widget class) to list; default: quizapp's.
    """

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen #help { width: 90; height: 80%; border: thick $primary; background: $surface; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, owners: Iterable[tuple[str, type[DOMNode]]] | None = None) -> None:
        super().__init__()
        self.owners = list(owners) if owners is not None else None

    def compose(self) -> ComposeResult:
        owners = self.owners if self.owners is not None else quizapp_key_owners()
        # The app's own keys work everywhere.
        everywhere = [("everywhere", type(self.app))]
        with VerticalScroll(id="help"):
            yield Markdown(help_markdown([*everywhere, *owners]))

    def action_close(self) -> None:
        """Back to where help was opened."""
        self.dismiss()
