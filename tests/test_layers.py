"""Layers: the domain imports neither textual nor torch; no import cycle among modules.

The domain is discovered, not listed: every module of `packs`, `grading`, `study` and
`store` (and `locations`), except the reference worker's side, which is the one place that
imports torch and diffusers.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import quizapp

DOMAIN_PACKAGES = ("packs", "grading", "study", "store")
#: Run only inside the reference worker process; they import torch and diffusers.
WORKER_SIDE = ("quizapp.grading.reference", "quizapp.grading.worker")

PACKAGE_DIR = Path(quizapp.__file__).parent


def all_modules() -> list[str]:
    """Every module of quizapp, packages included, by walking the source tree."""
    return ["quizapp"] + [
        info.name for info in pkgutil.walk_packages(quizapp.__path__, prefix="quizapp.")
    ]


def domain_modules() -> list[str]:
    prefixes = tuple(f"quizapp.{name}" for name in DOMAIN_PACKAGES)
    return [
        name
        for name in all_modules()
        if (name.startswith(prefixes) or name == "quizapp.locations")
        and not name.startswith(WORKER_SIDE)
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


def test_the_domain_is_discovered_not_listed() -> None:
    found = domain_modules()
    # A sample from each layer, and the registry of question types: the walk reaches them.
    for name in (
        "quizapp.packs.models",
        "quizapp.grading.qtypes.numeric",
        "quizapp.study.recording",
        "quizapp.store.db",
        "quizapp.locations",
    ):
        assert name in found
    assert not any(name.startswith(WORKER_SIDE) for name in found)
    assert len(found) > 40


def test_domain_imports_neither_textual_nor_torch() -> None:
    loaded = imported_after(domain_modules())
    assert "textual" not in loaded
    assert "torch" not in loaded
    assert "diffusers" not in loaded


def test_the_command_line_loads_its_commands_lazily() -> None:
    # `quizapp` alone must reach the home screen's first frame without the pack models.
    loaded = imported_after(["quizapp.cli"])
    assert "pydantic" not in loaded
    assert "quizapp.commands.grading" not in loaded
    assert "textual" not in loaded


# -- import cycles ------------------------------------------------------------------------


def module_file(name: str) -> Path:
    relative = Path(*name.split(".")[1:])
    package = PACKAGE_DIR / relative / "__init__.py"
    return package if package.exists() else (PACKAGE_DIR / relative).with_suffix(".py")


def _type_checking_block(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def module_level_imports(name: str, known: set[str]) -> set[str]:
    """The quizapp modules `name` imports when it is imported: module level, outside
    `if TYPE_CHECKING:`, not inside functions (those run later, on use)."""
    tree = ast.parse(module_file(name).read_text(encoding="utf-8"))
    is_package = module_file(name).name == "__init__.py"
    found: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.If) and _type_checking_block(node):
                visit(node.orelse)
                continue
            if isinstance(node, ast.If | ast.Try | ast.With):
                for part in ("body", "orelse", "finalbody", "handlers"):
                    for child in getattr(node, part, []):
                        visit(child.body if isinstance(child, ast.ExceptHandler) else [child])
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name in known)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = name.split(".")
                    anchor = parts if is_package else parts[:-1]
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in node.names:
                    child = f"{base}.{alias.name}"
                    if child in known:
                        found.add(child)
                    elif base in known:
                        found.add(base)

    visit(tree.body)
    found.discard(name)
    return found


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle of `graph` (module → modules it imports), as a closed path."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def walk(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for target in sorted(graph.get(name, ())):
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                walk(target)
        stack.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name)
    return cycles


def import_graph() -> dict[str, set[str]]:
    known = set(all_modules())
    return {name: module_level_imports(name, known) for name in sorted(known)}


def test_no_import_cycle_among_quizapp_modules() -> None:
    assert find_cycles(import_graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_imports_on_use_and_for_type_checking_do_not_count() -> None:
    graph = import_graph()
    # app.py imports the grading service only for type checking, and the registry on use.
    assert "quizapp.grading.service" not in graph["quizapp.app"]
    assert "quizapp.packs.registry" not in graph["quizapp.app"]
    assert "quizapp.store.db" in graph["quizapp.app"]
    # A relative-free `from package import module` counts as importing the module.
    assert "quizapp.grading.qtypes.choice" in graph["quizapp.grading.qtypes"]
