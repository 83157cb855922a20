"""Layers: the domain imports neither textual nor torch; packs import nothing from grading;
no import cycle among modules, even through an import inside a function.

The domain is discovered, not listed: every module of `packs`, `grading`, `study` and
`store` (and `locations`). The child processes live apart, in `quizapp/engine/`, the one
place that imports torch and diffusers.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import quizapp

DOMAIN_PACKAGES = ("packs", "grading", "study", "store")

PACKAGE_DIR = Path(quizapp.__file__).parent


def all_modules() -> list[str]:
    """Every module of quizapp, packages included, by walking the source tree."""
    return ["quizapp"] + [
        info.name for info in pkgutil.walk_packages(quizapp.__path__, prefix="quizapp.")
    ]


def domain_modules() -> list[str]:
    prefixes = tuple(f"quizapp.{name}" for name in DOMAIN_PACKAGES)
    return [
        name for name in all_modules() if name.startswith(prefixes) or name == "quizapp.locations"
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
        "quizapp.study.context",
        "quizapp.store.db",
        "quizapp.locations",
    ):
        assert name in found
    assert not any(name.startswith("quizapp.engine") for name in found)
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


def imports_of(name: str, known: set[str]) -> set[str]:
    """The quizapp modules `name` imports (see `imports_in_source`)."""
    path = module_file(name)
    return imports_in_source(
        path.read_text(encoding="utf-8"), name, known, is_package=path.name == "__init__.py"
    )


def imports_in_source(
    source: str, name: str, known: set[str], *, is_package: bool = False
) -> set[str]:
    """The modules of `known` that module `name` (whose text is `source`) imports, at
    module level or inside a function (an import on use closes a cycle as surely, only
    later), but not under `if TYPE_CHECKING:` (never run)."""
    tree = ast.parse(source)
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking_block(node):
            for child in node.orelse:
                visit(child)
            return
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
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
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
    return {name: imports_of(name, known) for name in sorted(known)}


def test_no_import_cycle_among_quizapp_modules() -> None:
    assert find_cycles(import_graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_imports_on_use_count_and_for_type_checking_do_not() -> None:
    graph = import_graph()
    # app.py imports the pack models only for type checking, the grading service on use.
    assert "quizapp.packs.models" not in graph["quizapp.app"]
    assert "quizapp.grading.service" in graph["quizapp.app"]
    assert "quizapp.store.db" in graph["quizapp.app"]
    # A relative-free `from package import module` counts as importing the module.
    assert "quizapp.grading.qtypes.choice" in graph["quizapp.grading.qtypes"]


def test_a_cycle_through_an_import_on_use_is_found() -> None:
    known = {"quizapp.first", "quizapp.second"}
    on_use = "def later() -> None:\n    from quizapp.second import x\n"
    checked_only = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import quizapp.first\n"
    assert imports_in_source(on_use, "quizapp.first", known) == {"quizapp.second"}
    assert imports_in_source(checked_only, "quizapp.second", known) == set()
    graph = {"quizapp.first": {"quizapp.second"}, "quizapp.second": {"quizapp.first"}}
    assert find_cycles(graph) == [["quizapp.first", "quizapp.second", "quizapp.first"]]


def test_packs_import_nothing_from_grading() -> None:
    # Packs are below grading: validation may not depend on how answers are graded.
    graph = import_graph()
    upward = {
        (name, target)
        for name, targets in graph.items()
        if name.startswith("quizapp.packs")
        for target in targets
        if target.startswith("quizapp.grading")
    }
    assert upward == set()


# -- the store ----------------------------------------------------------------------------

SQL = re.compile(
    r"\b(SELECT\b.*\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET)\b"
)


def sql_strings(name: str) -> list[str]:
    """The string constants of module `name` that read as SQL statements."""
    tree = ast.parse(module_file(name).read_text(encoding="utf-8"))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value)
    ]


def test_sql_is_written_only_in_the_store() -> None:
    # One way to query: a Store method; nothing outside store/ writes (or passes in) SQL.
    outside = {
        name: found
        for name in all_modules()
        if not name.startswith("quizapp.store")
        for found in [sql_strings(name)]
        if found
    }
    assert outside == {}
    assert sql_strings("quizapp.store.suspension")  # the finder sees the store's own SQL
