"""The question as the learner reads it: progress line, prompt as Markdown, hints so far."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Markdown, Static

from quizapp.grading.qtypes import question_type
from quizapp.packs.models import AnyQuestion
from quizapp.widgets.code_excerpt import CodeExcerpt

TYPE_LABELS: dict[str, str] = {
    "flashcard": "flashcard",
    "choice": "choice",
    "text": "short answer",
    "numeric": "number",
    "shape": "shape",
    "sequence": "sequence",
    "explain": "explain aloud",
    "code": "write code",
}


def kind_line(question: AnyQuestion) -> str:
    """ "shape · difficulty 3 · executed" — what kind of answer is asked for."""
    parts = [TYPE_LABELS.get(question.type, question.type), f"difficulty {question.difficulty}"]
    if question.executed:
        parts.append("graded by running diffusers")
    if question_type(question).harness_run is not None:
        parts.append("graded by running your code against diffusers")
    if getattr(question, "multiple", False):
        parts.append("several answers")
    return " · ".join(parts)


class QuestionCard(Vertical):
    """Shows one question; `add_hint` appends the next hint below the prompt."""

    DEFAULT_CSS = """
    QuestionCard { height: auto; }
    QuestionCard #progress { color: $text-muted; }
    QuestionCard #kind { color: $text-muted; text-style: italic; }
    QuestionCard #prompt { margin: 1 0 0 0; }
    QuestionCard #hints { height: auto; }
    QuestionCard .hint { color: $warning; margin: 0 2; }
    """

    def __init__(self, question: AnyQuestion, progress: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.question = question
        self.progress = progress

    def compose(self) -> ComposeResult:
        yield Static(self.progress, id="progress", markup=False)
        yield Static(kind_line(self.question), id="kind", markup=False)
        if self.question.code is not None:
            yield CodeExcerpt(self.question.code, self.question.highlight, id="excerpt")
        yield Markdown(self.question.prompt, id="prompt")
        yield Vertical(id="hints")

    def add_hint(self, number: int, text: str) -> None:
        """Show hint `number` (1-based) below the prompt."""
        self.query_one("#hints").mount(
            Static(f"Hint {number}: {text}", classes="hint", markup=False)
        )
