"""One question as the fields of an Anki note: front (prompt, choices), back (the rest).

Pure: takes a question and its reference (typed, or what the probe computed) and returns
HTML strings; genanki and files are `deck.py`'s business. Text is Markdown in packs, so it
is rendered with markdown-it with raw HTML off: a pack is data, and stays inert in Anki
(`inert.py`: no remote URL, no Anki media or cloze syntax from pack text).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from quizapp.anki import inert
from quizapp.grading.answers import answer_lines
from quizapp.grading.formatting import choice_letter as letter
from quizapp.grading.formatting import format_value
from quizapp.grading.grader import Reference
from quizapp.grading.qtypes import reference_kind
from quizapp.packs.models import AnyQuestion, ChoiceQuestion

#: Question types that make sense as a card. The others (explain: a spoken answer scored
#: against a rubric; any type added later, such as code) are listed as skipped.
CARD_TYPES: frozenset[str] = frozenset(
    {"flashcard", "choice", "text", "numeric", "shape", "sequence"}
)

#: Note fields, in order; the model's templates name them.
FIELDS: tuple[str, ...] = (
    "Prompt",
    "Choices",
    "Answer",
    "Explanation",
    "Traps",
    "Trace",
    "Source",
)


@dataclass(frozen=True)
class CardFields:
    """The HTML of each field of one note, in `FIELDS` order."""

    prompt: str
    choices: str
    answer: str
    explanation: str
    traps: str
    trace: str
    source: str

    def as_list(self) -> list[str]:
        """The values in `FIELDS` order, as genanki takes them."""
        return [
            self.prompt,
            self.choices,
            self.answer,
            self.explanation,
            self.traps,
            self.trace,
            self.source,
        ]


def markdown(text: str) -> str:
    """Pack Markdown as HTML (raw HTML escaped, images as their alt text; see `inert`)."""
    return inert.markdown(text)


def card_fields(pack_id: str, question: AnyQuestion, reference: Reference | None) -> CardFields:
    """The note of `question`.

    Args:
        pack_id: The pack the question belongs to (shown on the back).
        question: One of `CARD_TYPES`.
        reference: Its typed or computed reference; None for flashcards.
    """
    return CardFields(
        prompt=markdown(question.prompt),
        choices=inert.inert(_choices(question)),
        answer=inert.inert(_lines(answer_lines(question, reference))),
        explanation=markdown(question.explanation),
        traps=inert.inert(_traps(question)),
        trace=inert.inert(_trace(reference) if question.executed else ""),
        source=inert.inert(html.escape(f"{pack_id} / {question.id}")),
    )


def _choices(question: AnyQuestion) -> str:
    if not isinstance(question, ChoiceQuestion):
        return ""
    hint = "<p><i>Pick every correct choice.</i></p>" if question.multiple else ""
    items = "".join(
        f"<li><b>{letter(i)})</b> {html.escape(choice.text)}</li>"
        for i, choice in enumerate(question.choices)
    )
    return f'{hint}<ul class="choices">{items}</ul>'


def _lines(lines: list[str]) -> str:
    return "<br>".join(html.escape(line) for line in lines)


def _traps(question: AnyQuestion) -> str:
    """Classic wrong answers and why: `traps`, or a choice question's wrong choices' `why`."""
    items: list[str] = []
    if isinstance(question, ChoiceQuestion):
        for i, choice in enumerate(question.choices):
            if choice.why:
                label = f"{letter(i)}) {html.escape(choice.text)}"
                items.append(f"<b>{label}</b>: {_inline(choice.why)}")
    kind = reference_kind(question)
    for trap in getattr(question, "traps", []):
        shown = format_value(trap.answer, kind) if kind else str(trap.answer)
        items.append(f"<b>{html.escape(shown)}</b>: {_inline(trap.why)}")
    if not items:
        return ""
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _inline(text: str) -> str:
    """Markdown of one short phrase, without the paragraph around it."""
    rendered = markdown(text)
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        return rendered[3:-4]
    return rendered


def _trace(reference: Reference | None) -> str:
    if reference is None or not reference.trace:
        return ""
    return "<pre>" + html.escape("\n".join(reference.trace)) + "</pre>"
