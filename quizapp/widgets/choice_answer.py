"""A choice list: arrows + `enter`, or the letters `a`–`f`; several picks when `multiple`."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from quizapp.grading.formatting import choice_letter as letter
from quizapp.packs.models import ChoiceQuestion
from quizapp.widgets.answer_input import AnswerInput
from quizapp.widgets.checklist import CheckList


class ChoiceAnswer(AnswerInput):
    """One pick submits at once; with `multiple`, letters/space tick and `enter` submits."""

    # Up to ten choices in view; more scroll.
    DEFAULT_CSS = "ChoiceAnswer #answer-choices { height: auto; max-height: 12; }"

    question: ChoiceQuestion

    def __init__(self, question: ChoiceQuestion, *, id: str | None = None) -> None:
        super().__init__(question, id=id)

    def compose(self) -> ComposeResult:
        labels = [f"{letter(i)}) {choice.text}" for i, choice in enumerate(self.question.choices)]
        if self.question.multiple:
            yield CheckList(*((label, i) for i, label in enumerate(labels)), id="answer-choices")
        else:
            options = [Option(label, id=letter(i)) for i, label in enumerate(labels)]
            yield OptionList(*options, id="answer-choices")
        yield self.error_label()

    def on_key(self, event: events.Key) -> None:
        # Letters past the last choice fall through to the screen (`f` flags with 5 choices).
        if event.character is None or len(event.character) != 1:
            return
        index = ord(event.character) - ord("a")
        if not 0 <= index < len(self.question.choices):
            return
        event.stop()
        event.prevent_default()
        if self.question.multiple:
            self.query_one(CheckList).toggle(index)
        else:
            self.query_one(OptionList).highlighted = index
            self.submit(letter(index))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.submit(letter(event.option_index))

    def on_check_list_done(self, event: CheckList.Done) -> None:
        event.stop()
        if not event.ticked:
            self.show_error("Tick at least one choice (a–f or space), then enter.")
            return
        self.submit(", ".join(letter(i) for i in event.ticked))
