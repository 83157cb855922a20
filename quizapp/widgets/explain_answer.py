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


class ExplainAnswer(AnswerInput):
    """Two steps: notes (typed), then the model answer and a rubric checklist."""

    # Six rows of notes inside the border: room to jot, the rubric step still in view.
    DEFAULT_CSS = "ExplainAnswer #answer-notes { height: 8; }"

    # Enter makes a new line in the notes, so the reveal sits on a control key; it is
    # offered while the notes box (a descendant) has focus and the rubric is not shown.
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+r", "reveal", "Model answer")]

    SHOWS_MODEL_ANSWER: ClassVar[bool] = True

    question: ExplainQuestion

    def __init__(self, question: ExplainQuestion, *, id: str | None = None) -> None:
        super().__init__(question, id=id)

    def compose(self) -> ComposeResult:
        yield Label("Answer as you would aloud; notes are optional. ctrl+r: model answer.")
        yield TextArea(id="answer-notes")
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return not self.revealed
        return True

    def action_reveal(self) -> None:
        """Show the model answer and the rubric; the notes stay visible, read-only."""
        if self.revealed:
            return
        self.query_one("#answer-notes", TextArea).read_only = True
        self.query_one("#rubric-step").display = True
        self.query_one(CheckList).focus()

    def on_check_list_done(self, event: CheckList.Done) -> None:
        event.stop()
        notes = self.query_one("#answer-notes", TextArea).text.strip()
        ticked = [self.question.rubric[i] for i in event.ticked]
        answer = "\n".join([notes, *(f"[x] {item}" for item in ticked)]).strip()
        self.submit(answer, (len(ticked), len(self.question.rubric)))
