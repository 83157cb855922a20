"""Before a mock interview from home: minutes, questions, packs or topics, executed share.

Opens on the last choices (`study/mock_defaults.py`), remembers the ones started with, and
dismisses with the `MockOptions` to plan (a fresh draw: no seed), or None on escape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Select, Static

from quizapp.study.interview import MockOptions
from quizapp.study.mock_plan import EXECUTED_SHARE
from quizapp.study.planning import Filters

WHY_EXECUTED = (
    f"Executed questions: diffusers computes the answer (a shape, a number, a sequence) or "
    f"your code runs on the cases. {EXECUTED_SHARE:.0%} by default, where the packs have "
    "them: they are the questions no other tool can ask; the rest keep recall, choice and "
    "explain questions in the mix, as an interview does."
)


class SetupError(ValueError):
    """A field of the setup screen that does not read; the message names it."""


@dataclass(frozen=True)
class Scope:
    """One entry of the packs-or-topics list."""

    label: str
    filters: Filters


def scopes(pack_ids: list[str], topics: list[str]) -> list[Scope]:
    """Every pack, then every topic, after "All packs"."""
    return (
        [Scope("All packs", Filters())]
        + [Scope(f"Pack {pack}", Filters(pack=pack)) for pack in pack_ids]
        + [Scope(f"Topic {topic}", Filters(topic=topic)) for topic in topics]
    )


def read_setup(questions: str, minutes: str, share_percent: str, filters: Filters) -> MockOptions:
    """The options the fields say.

    Raises:
        SetupError: For a field that is not a number in its range.
    """
    try:
        count = int(questions)
    except ValueError:
        raise SetupError(f"questions: a whole number, got {questions!r}") from None
    if not 1 <= count <= 100:
        raise SetupError(f"questions: 1 to 100, got {count}")
    clock: float | None = None
    if minutes.strip():
        try:
            clock = float(minutes)
        except ValueError:
            raise SetupError(f"minutes: a number or empty, got {minutes!r}") from None
        if not 0 < clock <= 24 * 60:
            raise SetupError(f"minutes: more than 0 and at most 1440, got {clock:g}")
    try:
        percent = float(share_percent)
    except ValueError:
        raise SetupError(f"executed share: a percentage, got {share_percent!r}") from None
    if not 0 <= percent <= 100:
        raise SetupError(f"executed share: 0 to 100%, got {percent:g}")
    return MockOptions(filters, count, clock, None, percent / 100)


class MockSetupScreen(Screen[MockOptions | None]):
    """The setup form; enter (or Start) begins the interview, escape goes back home."""

    DEFAULT_CSS = """
    MockSetupScreen #setup { padding: 0 2; }
    MockSetupScreen #setup-title { margin: 1 0; }
    MockSetupScreen .setup-row { height: auto; }
    MockSetupScreen .setup-label { width: 18; padding: 1 1 0 0; }
    MockSetupScreen .setup-hint { width: 1fr; padding: 1 0 0 1; color: $text-muted; }
    MockSetupScreen .setup-row Input { width: 14; }
    MockSetupScreen #setup-scope { width: 1fr; max-width: 60; }
    MockSetupScreen #setup-why { color: $text-muted; }
    MockSetupScreen #setup-keys { margin-top: 1; }
    MockSetupScreen #setup-error { color: $error; height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Back")]

    def __init__(self, defaults: MockOptions, choices: list[Scope]) -> None:
        super().__init__()
        self.defaults = defaults
        self.choices = choices

    def compose(self) -> ComposeResult:
        defaults = self.defaults
        current = next(
            (n for n, scope in enumerate(self.choices) if scope.filters == defaults.filters), 0
        )
        yield Header()
        with VerticalScroll(id="setup"):
            yield Static(
                "[b]Mock interview[/]: timed, feedback and a report at the end.", id="setup-title"
            )
            with Horizontal(classes="setup-row"):
                yield Label("Questions", classes="setup-label")
                yield Input(str(defaults.questions), type="integer", id="setup-questions")
            with Horizontal(classes="setup-row"):
                yield Label("Minutes", classes="setup-label")
                minutes = "" if defaults.minutes is None else f"{defaults.minutes:g}"
                yield Input(minutes, placeholder="auto", type="number", id="setup-minutes")
                yield Label("empty: the questions' budgets added up", classes="setup-hint")
            with Horizontal(classes="setup-row"):
                yield Label("Packs or topics", classes="setup-label")
                yield Select(
                    [(scope.label, n) for n, scope in enumerate(self.choices)],
                    value=current,
                    allow_blank=False,
                    id="setup-scope",
                )
            with Horizontal(classes="setup-row"):
                yield Label("Executed share %", classes="setup-label")
                share = f"{defaults.executed_share * 100:g}"
                yield Input(share, type="number", id="setup-share")
            yield Static(WHY_EXECUTED, id="setup-why", markup=False)
            yield Label("", id="setup-error", markup=False)
            yield Static(
                "[b]enter[/] in a field starts the interview · [b]tab[/] next field · "
                "[b]escape[/] back home",
                id="setup-keys",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#setup-questions", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.start()

    def start(self) -> None:
        """Read the fields; start with them, or say which one does not read."""
        scope = self.query_one("#setup-scope", Select).value
        filters = self.choices[scope].filters if isinstance(scope, int) else Filters()
        try:
            options = read_setup(
                self.query_one("#setup-questions", Input).value,
                self.query_one("#setup-minutes", Input).value,
                self.query_one("#setup-share", Input).value,
                filters,
            )
        except SetupError as error:
            self.query_one("#setup-error", Label).update(str(error))
            return
        self.dismiss(options)

    def action_cancel(self) -> None:
        """Back home without an interview."""
        self.dismiss(None)
