"""Layers: the domain imports neither textual nor torch (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys

DOMAIN = [
    "quizapp.packs.models",
    "quizapp.packs.loader",
    "quizapp.packs.registry",
    "quizapp.packs.semantics",
    "quizapp.packs.schema",
    "quizapp.packs.scaffold",
    "quizapp.locations",
    "quizapp.grading.parsers",
    "quizapp.grading.grader",
    "quizapp.grading.check",
    "quizapp.grading.client",
    "quizapp.grading.probekey",
    "quizapp.grading.service",
    "quizapp.store.db",
    "quizapp.study.scheduling",
    "quizapp.study.planning",
    "quizapp.study.mock_plan",
    "quizapp.study.report",
    "quizapp.study.practice",
    "quizapp.study.interview",
    "quizapp.study.stats",
    "quizapp.study.dashboard",
    "quizapp.study.fitting",
    "quizapp.study.workload",
    "quizapp.study.active_plan",
    "quizapp.store.aggregates",
    "quizapp.packs.summary_cache",
]


def imported_after(modules: list[str]) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def test_domain_imports_neither_textual_nor_torch() -> None:
    loaded = imported_after(DOMAIN)
    assert "textual" not in loaded
    assert "torch" not in loaded
    assert "diffusers" not in loaded


def test_the_command_line_loads_its_commands_lazily() -> None:
    # `quizapp` alone must reach the home screen's first frame without the pack models.
    loaded = imported_after(["quizapp.cli"])
    assert "pydantic" not in loaded
    assert "quizapp.commands.grading" not in loaded
    assert "textual" not in loaded
