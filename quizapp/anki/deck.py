"""A pack as an Anki package (.apkg) with genanki.

Identity is what makes re-exporting safe: a note's GUID comes from the pack id, the
question id and, for a family's note, the variant's settings, so importing a new export
after an edit updates the learner's cards (and keeps their Anki history) instead of adding
duplicates; the model and deck ids are derived from the pack id alone, so every export of
a pack lands in the same deck with the same note type.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import genanki

from quizapp.anki.cards import FIELDS, CardFields

#: Anki ids are 64-bit, but genanki's examples and Anki's own stay in [2^30, 2^31):
#: keeping to that range avoids colliding with Anki's timestamp-based ids.
_ID_FLOOR = 1 << 30

_FRONT = """<div class="prompt">{{Prompt}}</div>
{{#Choices}}<div class="choices">{{Choices}}</div>{{/Choices}}"""

_BACK = """{{FrontSide}}
<hr id="answer">
<div class="answer">{{Answer}}</div>
{{#Explanation}}<div class="explanation">{{Explanation}}</div>{{/Explanation}}
{{#Traps}}<div class="traps"><div class="label">Traps</div>{{Traps}}</div>{{/Traps}}
{{#Trace}}<div class="trace"><div class="label">What ran (the real step)</div>
{{Trace}}</div>{{/Trace}}
<div class="source">{{Source}}</div>"""

_CSS = """.card { font-family: sans-serif; font-size: 18px; text-align: left; }
.answer { font-weight: bold; margin-bottom: 0.8em; }
.label { font-size: 0.8em; text-transform: uppercase; opacity: 0.7; margin-top: 0.8em; }
.trace pre { font-size: 0.75em; white-space: pre-wrap; }
.source { font-size: 0.7em; opacity: 0.5; margin-top: 1em; }
code { font-size: 0.9em; }"""


@dataclass(frozen=True)
class NoteSpec:
    """One note to write: its question id and variant (for the GUID), tags and fields.

    `variant` is a family's settings in words (`families.describe`); None otherwise.
    """

    question_id: str
    tags: tuple[str, ...]
    fields: CardFields
    variant: str | None = None


def stable_id(kind: str, pack_id: str) -> int:
    """A fixed id in Anki's usual range, the same for every export of `pack_id`."""
    digest = hashlib.sha256(f"quizapp:{kind}:{pack_id}".encode()).digest()
    return _ID_FLOOR + int.from_bytes(digest[:4], "big") % _ID_FLOOR


def note_guid(pack_id: str, question_id: str, variant: str | None = None) -> str:
    """The GUID of a question's note (of one variant's, for a family): the same across
    exports, whatever the fields say. A plain question's GUID has no variant part, so
    notes imported before families existed keep their history."""
    parts = (
        ("quizapp", pack_id, question_id)
        if variant is None
        else ("quizapp", pack_id, question_id, variant)
    )
    guid: str = genanki.guid_for(*parts)
    return guid


def anki_tag(text: str) -> str:
    """`text` as one Anki tag (tags are separated by spaces, so none may contain one)."""
    return re.sub(r"\s+", "_", text.strip())


def build_package(pack_id: str, title: str, notes: list[NoteSpec]) -> genanki.Package:
    """The package of one pack's deck (deck `quizapp::TITLE`)."""
    model = genanki.Model(
        stable_id("model", pack_id),
        f"quizapp ({pack_id})",
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card", "qfmt": _FRONT, "afmt": _BACK}],
        css=_CSS,
    )
    deck = genanki.Deck(stable_id("deck", pack_id), f"quizapp::{title}")
    for spec in notes:
        deck.add_note(
            genanki.Note(
                model=model,
                fields=spec.fields.as_list(),
                guid=note_guid(pack_id, spec.question_id, spec.variant),
                tags=[anki_tag(tag) for tag in spec.tags if tag.strip()],
            )
        )
    return genanki.Package(deck)


def write_package(package: genanki.Package, path: Path) -> None:
    """Write the .apkg atomically: a failed export never leaves half a file behind."""
    partial = path.with_name(path.name + ".partial")
    try:
        package.write_to_file(str(partial))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
