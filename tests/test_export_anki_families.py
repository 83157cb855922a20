"""Families and computed traps in the Anki export: what a learner can answer, every pack.

The resolver is a stand-in for the grading service (no worker): executed answers and
computed traps get made-up values of the right kind, which is all the card text needs;
the real probes run in `test_export_anki.py`'s torch test and in `check`.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from quizapp.anki.deck import note_guid
from quizapp.anki.export import MAX_NOTES_PER_FAMILY, card_variants, plan_export, selected
from quizapp.grading.computed_traps import resolve_traps
from quizapp.grading.grader import Reference, typed_reference
from quizapp.grading.qtypes import reference_kind
from quizapp.locations import content_dir
from quizapp.packs.families import describe, is_family, pinned_settings, variants
from quizapp.packs.loader import load_pack
from quizapp.packs.models import AnyQuestion, ChoiceQuestion, Probe, Value

FAMILY_PACK = Path(__file__).parent / "packs" / "families" / "family.yaml"
BUNDLED = sorted(content_dir().glob("*.yaml"))

#: What no card may show: a `{placeholder}` left unfilled (escaped `{{x}}` shows as `{x}`,
#: so the packs' prose never writes a bare identifier in braces on purpose).
UNFILLED = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?\}")

_MADE_UP: dict[str, Value] = {"shape": [9, 9], "number": 0.125, "sequence": [7, 3], "name": "X"}


def fake_resolve(question: AnyQuestion) -> tuple[AnyQuestion, Reference | None]:
    """Typed references as the service gives them; executed ones made up, traps resolved."""
    if not question.executed:
        return question, typed_reference(question)
    kind = reference_kind(question)
    assert kind is not None, question.id
    settings = pinned_settings(question)
    value: Value = _MADE_UP.get(kind, "x")
    if isinstance(question, ChoiceQuestion) and question.choices[0].value is not None:
        value = question.choices[0].value
    trace = (f"variant: {describe(settings)}",) if settings else ()

    def run(probe: Probe) -> Value | None:
        return {"shape": [8, 8], "number": 0.5, "sequence": [1]}.get(kind, "Y")

    return resolve_traps(question, value, run), Reference(value, (*trace, "ran"))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_no_bundled_card_shows_a_placeholder_or_a_none_trap(path: Path) -> None:
    loaded = load_pack(path)
    questions = selected(loaded.id, list(loaded.pack.questions))
    plan = plan_export(loaded.id, questions, fake_resolve)
    assert plan.notes or all(q.type == "code" for q in questions)
    for note in plan.notes:
        # Read as the text shown: the export writes every brace as a character reference.
        front = html.unescape(note.fields.prompt + note.fields.choices)
        assert not UNFILLED.search(front), (note.question_id, front)
        assert "<b>None</b>" not in note.fields.traps, (note.question_id, note.fields.traps)
    guids = [note_guid(loaded.id, n.question_id, n.variant) for n in plan.notes]
    assert len(set(guids)) == len(guids)


def test_a_family_is_a_note_per_variant_with_its_settings_and_traps() -> None:
    loaded = load_pack(FAMILY_PACK)
    family = loaded.pack.question("unet-batch")
    assert family is not None and is_family(family)
    plan = plan_export(loaded.id, [family], fake_resolve)
    assert len(plan.notes) == MAX_NOTES_PER_FAMILY < len(variants(family))
    shown = card_variants(loaded.id, family)
    assert [n.variant for n in plan.notes] == [describe(s) for s in shown if s is not None]
    for note, settings in zip(plan.notes, shown, strict=True):
        assert settings is not None
        prompt = html.unescape(note.fields.prompt)
        assert f"{settings['height']}x512, batch {settings['batch_size']}" in prompt
        assert "{{braces}}" not in prompt and "{braces}" in prompt
        # The computed trap shows the value of this variant; the typed one as written.
        assert "<b>(8, 8)</b>: That is the guided prediction." in note.fields.traps
        assert "<b>(1, 77, 768)</b>: That is the text embedding." in note.fields.traps
        assert f"variant: {note.variant}" in note.fields.trace
        assert html.unescape(note.fields.source) == f"families / unet-batch · {note.variant}"


def test_family_guids_are_stable_and_distinct_per_variant() -> None:
    loaded = load_pack(FAMILY_PACK)
    first = plan_export(loaded.id, list(loaded.pack.questions), fake_resolve)
    again = plan_export(loaded.id, list(loaded.pack.questions), fake_resolve)
    guids = [note_guid(loaded.id, n.question_id, n.variant) for n in first.notes]
    assert guids == [note_guid(loaded.id, n.question_id, n.variant) for n in again.notes]
    assert len(set(guids)) == len(guids)
    # A plain question keeps the GUID it had before families: its Anki history survives.
    plain = next(n for n in first.notes if n.question_id == "plain")
    assert plain.variant is None
    assert note_guid(loaded.id, "plain", None) == note_guid(loaded.id, "plain")


def test_a_computed_trap_without_a_value_in_a_variant_is_not_shown() -> None:
    loaded = load_pack(FAMILY_PACK)
    family = loaded.pack.question("unet-batch")
    assert family is not None

    def resolve(question: AnyQuestion) -> tuple[AnyQuestion, Reference | None]:
        # The trap's run failed (a mistake that makes the loop raise): no value, dropped.
        return resolve_traps(question, [2, 4, 64, 64], lambda _: None), Reference(
            [2, 4, 64, 64], ()
        )

    plan = plan_export(loaded.id, [family], resolve)
    for note in plan.notes:
        assert "guided prediction" not in note.fields.traps
        assert "None" not in note.fields.traps


def test_anki_itself_imports_every_bundled_pack_without_placeholders(tmp_path: Path) -> None:
    """Anki (the `anki` package, a test-only oracle) imports each deck and renders its
    cards: no front holds a `{placeholder}`, no trap reads None, families have a note per
    shown variant, and a second import updates the notes instead of adding any."""
    collection_module = pytest.importorskip("anki.collection")
    from quizapp.anki.deck import build_package, write_package

    collection = collection_module.Collection(str(tmp_path / "oracle.anki2"))
    try:
        expected = 0
        for path in BUNDLED:
            loaded = load_pack(path)
            plan = plan_export(loaded.id, list(loaded.pack.questions), fake_resolve)
            if not plan.notes:
                continue
            target = tmp_path / f"{loaded.id}.apkg"
            write_package(build_package(loaded.id, loaded.pack.pack.title, plan.notes), target)
            for _ in range(2):  # the re-import must update, not duplicate
                collection.import_anki_package(
                    collection_module.ImportAnkiPackageRequest(
                        package_path=str(target),
                        options=collection_module.ImportAnkiPackageOptions(
                            merge_notetypes=True, with_scheduling=False
                        ),
                    )
                )
            expected += len(plan.notes)
        assert collection.note_count() == expected
        for card_id in collection.find_cards(""):
            card = collection.get_card(card_id)
            front, back = html.unescape(card.question()), html.unescape(card.answer())
            assert not UNFILLED.search(front), front
            assert "<b>None</b>" not in back, back
    finally:
        collection.close()
