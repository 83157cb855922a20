"""The JSON Schema stays in sync with the models; `quizapp new` writes a valid pack."""

from __future__ import annotations

from pathlib import Path

from quizapp import locations
from quizapp.packs.loader import load_pack
from quizapp.packs.models import QUESTION_TYPES
from quizapp.packs.scaffold import scaffold
from quizapp.packs.schema import pack_schema, pack_schema_text


def test_bundled_schema_is_in_sync_with_the_models() -> None:
    on_disk = locations.schema_path().read_text()
    assert on_disk == pack_schema_text(), (
        "content/pack.schema.json is stale: run `quizapp schema > content/pack.schema.json`"
    )


def test_schema_forbids_unknown_keys_and_knows_every_type() -> None:
    schema = pack_schema()
    assert schema["additionalProperties"] is False
    defs = schema["$defs"]
    for name in ("PackHeader", "Probe", "ChoiceQuestion", "Trap", "Tolerance", "Example"):
        assert defs[name]["additionalProperties"] is False
    tags = {
        d["properties"]["type"]["const"]
        for d in defs.values()
        if "type" in d.get("properties", {}) and "const" in d["properties"]["type"]
    }
    assert tags == set(QUESTION_TYPES)


def test_scaffold_is_valid_and_has_every_type(tmp_path: Path) -> None:
    path = tmp_path / "my-pack.yaml"
    path.write_text(scaffold("my-pack"))
    loaded = load_pack(path)
    assert loaded.id == "my-pack"
    assert sorted({q.type for q in loaded.pack.questions}) == sorted(QUESTION_TYPES)
    families = [q for q in loaded.pack.questions if getattr(q, "vary", None)]
    assert len(families) == 2 and all(q.examples for q in families)  # type: ignore[union-attr]
    assert any(t.observe for q in families for t in q.traps)  # type: ignore[union-attr]
    first = path.read_text().splitlines()[0]
    assert first == f"# yaml-language-server: $schema={locations.schema_path().as_uri()}"
