"""The pack JSON Schema, generated from the pydantic models (editors read it)."""

from __future__ import annotations

import json
from typing import Any

from quizapp.packs.models import Pack

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def pack_schema() -> dict[str, Any]:
    """The JSON Schema of one pack file."""
    schema = Pack.model_json_schema()
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "quizapp question pack",
        "description": "One YAML file = one pack. See docs/authoring.md.",
        **schema,
    }


def pack_schema_text() -> str:
    """The schema as the text stored in content/pack.schema.json."""
    return json.dumps(pack_schema(), indent=2, sort_keys=True) + "\n"
