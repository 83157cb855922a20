"""`quizapp export PACK --anki`: the .apkg opened as what it is, a zip holding SQLite."""

from __future__ import annotations

import re
import sqlite3
import zipfile
from pathlib import Path

import pytest

from quizapp.anki.cards import FIELDS, card_fields
from quizapp.anki.deck import note_guid, stable_id
from quizapp.anki.export import plan_export, selected
from quizapp.cli import main
from quizapp.grading.grader import Reference
from quizapp.packs.loader import load_pack

UI_PACK = Path(__file__).parent / "ui" / "packs" / "ui-basics.yaml"
PROBED = Path(__file__).parent / "packs" / "probed" / "probed.yaml"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(argv)
    out, err = capsys.readouterr()
    code = done.value.code
    return (code if isinstance(code, int) else 1), out, err


def read_apkg(path: Path, tmp_path: Path) -> dict[str, object]:
    """Notes by GUID ({fields by name, tags}), plus the model and deck ids."""
    with zipfile.ZipFile(path) as archive:
        assert "collection.anki2" in archive.namelist()
        database = tmp_path / f"{path.stem}.anki2"
        database.write_bytes(archive.read("collection.anki2"))
    connection = sqlite3.connect(database)
    try:
        notes = {
            guid: {
                "fields": dict(zip(FIELDS, flds.split("\x1f"), strict=True)),
                "tags": tags.split(),
                "mid": mid,
            }
            for guid, flds, tags, mid in connection.execute(
                "SELECT guid, flds, tags, mid FROM notes"
            )
        }
        deck_ids = {did for (did,) in connection.execute("SELECT DISTINCT did FROM cards")}
    finally:
        connection.close()
    return {"notes": notes, "decks": deck_ids}


def test_export_writes_notes_with_fields_and_skips_explain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "deck.apkg"
    code, out, err = run(["export", str(UI_PACK), "--anki", "-o", str(target)], capsys)
    assert code == 0, err
    assert "6 note(s), 1 skipped" in out
    assert "skipped ui-basics/explain-step: explain questions are not cards" in err
    content = read_apkg(target, tmp_path)
    notes = content["notes"]
    assert isinstance(notes, dict)
    assert len(notes) == 6
    choice = notes[note_guid("ui-basics", "choice-noise")]
    fields = choice["fields"]
    assert "<code>noise_pred</code>" in fields["Prompt"]
    assert "<b>b)</b> The denoised image in pixel space" in fields["Choices"]
    assert "Correct: a) The noise the model predicts" in fields["Answer"]
    assert "pixels only appear after vae.decode" in fields["Traps"]
    assert fields["Source"] == "ui-basics / choice-noise"
    assert choice["mid"] == stable_id("model", "ui-basics")
    assert {"quizapp", "ui-basics", "model-vs-scheduler"} <= set(choice["tags"])
    shape = notes[note_guid("ui-basics", "shape-latent")]["fields"]
    assert shape["Answer"] == "Answer: (1, 4, 64, 64)"
    assert "<b>(1, 3, 512, 512)</b>: That is the image" in shape["Traps"]
    assert shape["Choices"] == "" and shape["Trace"] == ""
    flashcard = notes[note_guid("ui-basics", "flashcard-cfg")]["fields"]
    assert flashcard["Answer"].startswith("Answer: The unconditional and conditional passes")
    assert content["decks"] == {stable_id("deck", "ui-basics")}


def test_reexport_after_an_edit_keeps_guids_and_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "first.apkg", tmp_path / "second.apkg"
    assert run(["export", str(UI_PACK), "--anki", "-o", str(first)], capsys)[0] == 0
    edited = tmp_path / "ui-basics.yaml"
    edited.write_text(
        UI_PACK.read_text().replace("what is the latent shape?", "what shape is the latent?")
    )
    assert run(["export", str(edited), "--anki", "-o", str(second)], capsys)[0] == 0
    before, after = read_apkg(first, tmp_path), read_apkg(second, tmp_path)
    before_notes, after_notes = before["notes"], after["notes"]
    assert isinstance(before_notes, dict) and isinstance(after_notes, dict)
    assert set(before_notes) == set(after_notes)
    guid = note_guid("ui-basics", "shape-latent")
    assert "what shape is the latent?" in after_notes[guid]["fields"]["Prompt"]
    assert "what is the latent shape?" in before_notes[guid]["fields"]["Prompt"]
    assert before["decks"] == after["decks"]
    assert {n["mid"] for n in before_notes.values()} == {n["mid"] for n in after_notes.values()}


def test_tag_and_topic_filter(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "latents.apkg"
    code, _, _ = run(
        ["export", str(UI_PACK), "--anki", "--topic", "latents", "-o", str(target)], capsys
    )
    assert code == 0
    notes = read_apkg(target, tmp_path)["notes"]
    assert isinstance(notes, dict)
    assert set(notes) == {
        note_guid("ui-basics", "shape-latent"),
        note_guid("ui-basics", "numeric-scaling"),
    }
    code, _, err = run(["export", str(UI_PACK), "--anki", "--tag", "nope"], capsys)
    assert code == 2
    assert "no question of pack 'ui-basics' matches --tag nope" in err


def test_bad_input_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "say which format: --anki" in run(["export", str(UI_PACK)], capsys)[2]
    code, _, err = run(["export", str(UI_PACK), "--anki", "-o", str(tmp_path / "x.zip")], capsys)
    assert code == 2 and "ends in .apkg" in err
    code, _, err = run(["export", "no-such-pack", "--anki"], capsys)
    assert code == 2 and "unknown pack 'no-such-pack'" in err


def test_executed_question_carries_computed_answer_and_trace() -> None:
    loaded = load_pack(PROBED)
    question = loaded.pack.question("alpha-bar")
    assert question is not None
    trace = ("diffusers 0.42.1, torch 2.13.0+cpu", "scheduler: DDPMScheduler")
    fields = card_fields("test-probed", question, Reference(0.276332, trace))
    assert fields.answer == "Computed: 0.276332"
    assert "diffusers 0.42.1" in fields.trace and fields.trace.startswith("<pre>")
    assert "<b>0.077797</b>: That is the default linear schedule" in fields.traps


def test_a_failed_probe_skips_that_question_only() -> None:
    from quizapp.grading.errors import ProbeFailed

    loaded = load_pack(PROBED)

    def reference_of(question: object) -> Reference | None:
        if getattr(question, "executed", False):
            raise ProbeFailed("worker timed out")
        return None

    questions = selected(loaded.id, list(loaded.pack.questions))
    plan = plan_export("test-probed", questions, reference_of)
    executed = [q.id for q in questions if q.executed]
    assert [s.question_id for s in plan.skipped] == executed
    assert all(s.reason == "could not compute: worker timed out" for s in plan.skipped)
    assert len(plan.notes) == len(questions) - len(executed)


@pytest.mark.torch
def test_export_runs_the_probes_for_executed_questions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "probed.apkg"
    code, _, err = run(["export", str(PROBED), "--anki", "-o", str(target)], capsys)
    assert code == 0, err
    notes = read_apkg(target, tmp_path)["notes"]
    assert isinstance(notes, dict)
    fields = notes[note_guid("test-probed", "alpha-bar")]["fields"]
    assert fields["Answer"].startswith("Computed: 0.2763")
    assert "DDPMScheduler" in fields["Trace"] and "diffusers" in fields["Trace"]


def hostile_pack(tmp_path: Path) -> Path:
    """ui-basics with a remote image, a link and Anki media syntax in every kind of text."""
    text = UI_PACK.read_text()
    text = text.replace(
        "The model predicts noise; scheduler.step turns it into the next latent.",
        '"![tracker](https://evil.example/pixel.png) [docs](https://evil.example/d) '
        '[sound:ding.mp3] [latex]\\\\input{/etc/passwd}[/latex] {{c1::cloze}}"',
    )
    text = text.replace(
        "why: That is what scheduler.step returns.",
        'why: "[sound:why.mp3] ![w](http://evil.example/w.gif)"',
    )
    text = text.replace(
        "- text: The denoised image in pixel space",
        '- text: "The denoised image [sound:choice.mp3] {{c2::x}}"',
    )
    text = text.replace(
        "prompt: At 512x512 with SD 1.5, batch 1, what is the latent shape?",
        'prompt: "At 512x512 <img src=https://evil.example/raw.png> [$]x[/$], what shape?"',
    )
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    return path


def test_no_remote_url_nor_anki_media_syntax_reaches_a_card(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "hostile.apkg"
    code, _, err = run(["export", str(hostile_pack(tmp_path)), "--anki", "-o", str(target)], capsys)
    assert code == 0, err
    notes = read_apkg(target, tmp_path)["notes"]
    assert isinstance(notes, dict)
    every_field = "\n".join(value for note in notes.values() for value in note["fields"].values())
    # Nothing on a card refers to anything outside it, so nothing is fetched on review.
    tags = re.findall(r"<[a-z][^>]*>", every_field)
    assert tags and not [tag for tag in tags if re.search(r"src|href|url|style", tag)]
    # Anki's own syntax from pack text does nothing: no media, no LaTeX, no cloze.
    for syntax in ("[sound:", "[latex]", "[$]", "{{"):
        assert syntax not in every_field
    # ...and is still there to read, as text.
    choice = notes[note_guid("ui-basics", "choice-noise")]["fields"]
    assert "&#91;image: tracker&#93;" in choice["Explanation"]
    assert "docs (https://evil.example/d)" in choice["Explanation"]
    assert "&#91;sound:ding.mp3&#93;" in choice["Explanation"]
    assert "&#91;sound:choice.mp3&#93; &#123;&#123;c2::x&#125;&#125;" in choice["Choices"]
    assert "&#91;sound:why.mp3&#93; &#91;image: w&#93;" in choice["Traps"]
    shape = notes[note_guid("ui-basics", "shape-latent")]["fields"]
    assert (
        "&lt;img src=https://evil.example/raw.png&gt; &#91;$&#93;x&#91;/$&#93;" in shape["Prompt"]
    )
