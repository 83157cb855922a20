"""An interview-style answer: jot notes, reveal the model answer, tick the rubric you covered."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, Markdown, TextArea

from quizapp.packs.models import ExplainQuestion
from quizapp.widgets.answer_input import AnswerInput
from quizapp.widgets.checklist import CheckList


class NotesBox(TextArea):
    """The notes box; `ctrl+r` reveals the model answer (enter makes a new line here)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reveal", "Model answer"),
        Binding("ctrl+t", "screen.hint", "Hint"),
        Binding("ctrl+s", "screen.skip", "Skip"),
        Binding("ctrl+g", "screen.flag", "Flag"),
    ]

    def action_reveal(self) -> None:
        """Hand over to the rubric step."""
        parent = self.parent
        while parent is not None and not isinstance(parent, ExplainAnswer):
            parent = parent.parent
        if parent is not None:
            parent.reveal()


class ExplainAnswer(AnswerInput):
    """Two steps: notes (typed), then the model answer and a rubric checklist."""

    question: ExplainQuestion

    def __init__(self, question: ExplainQuestion, *, id: str | None = None) -> None:
        super().__init__(question, id=id)

    def compose(self) -> ComposeResult:
        yield Label("Answer as you would aloud; notes are optional. ctrl+r: model answer.")
        yield NotesBox(id="answer-notes")
        with Vertical(id="rubric-step") as step:
            step.display = False
            yield Label("[b]Model answer[/]")
            yield Markdown(self.question.answer, id="model-answer")
            yield Label("Tick what your answer covered (space), then enter:")
            yield CheckList(
                *((item, i) for i, item in enumerate(self.question.rubric)), id="answer-rubric"
            )
        yield self.error_label()

    @property
    def revealed(self) -> bool:
        """True once the rubric step shows."""
        return bool(self.query_one("#rubric-step").display)

    def reveal(self) -> None:
        """Show the model answer and the rubric; the notes stay visible, read-only."""
        notes = self.query_one(NotesBox)
        notes.read_only = True
        self.query_one("#rubric-step").display = True
        self.query_one(CheckList).focus()

    def on_check_list_done(self, event: CheckList.Done) -> None:
        event.stop()
        notes = self.query_one(NotesBox).text.strip()
        ticked = [self.question.rubric[i] for i in event.ticked]
        answer = "\n".join([notes, *(f"[x] {item}" for item in ticked)]).strip()
        self.submit(answer, (len(ticked), len(self.question.rubric)))
