"""The engine boundary: nothing outside `quizapp/engine/` imports torch or diffusers.

Read from the source (AST), so an import inside a function counts as much as one at the top;
only imports under `if TYPE_CHECKING:` are left out (they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import quizapp

PACKAGE_DIR = Path(quizapp.__file__).parent
ENGINE_DIR = PACKAGE_DIR / "engine"
HEAVY = ("torch", "diffusers")


def _type_checking_blocks(tree: ast.AST) -> set[int]:
    """ids of the nodes inside `if TYPE_CHECKING:` blocks."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                inside.update(id(sub) for sub in ast.walk(child))
    return inside


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in the file that can run."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skipped = _type_checking_blocks(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def heavy_imports_outside_the_engine() -> list[str]:
    problems = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if path.is_relative_to(ENGINE_DIR):
            continue
        for line, module in imported_modules(path):
            if module.split(".")[0] in HEAVY:
                problems.append(f"{path.relative_to(PACKAGE_DIR.parent)}:{line}: {module}")
    return problems


def test_nothing_outside_the_engine_imports_torch_or_diffusers() -> None:
    assert heavy_imports_outside_the_engine() == []


def test_the_scan_sees_imports_inside_functions(tmp_path: Path) -> None:
    # The check itself can fail: a function-level import is found, a TYPE_CHECKING one not.
    source = tmp_path / "module.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    import torch\n"
        "def f():\n"
        "    from diffusers import UNet2DConditionModel\n"
        "    import torch.nn as nn\n"
    )
    assert imported_modules(source) == [(1, "typing"), (5, "diffusers"), (6, "torch.nn")]


def test_the_engine_is_where_torch_is_imported() -> None:
    engine_imports = {
        module.split(".")[0]
        for path in ENGINE_DIR.rglob("*.py")
        for _, module in imported_modules(path)
    }
    assert set(HEAVY) <= engine_imports
