"""Safe YAML to plain Python, keeping the node tree so errors can point at line and column.

We compose nodes with the C safe loader where available and build Python values ourselves:
only the core schema's tags are accepted (a `!!python/...` tag is an error, never run), and
the number of values built is bounded so an alias bomb is refused instead of expanded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

try:  # The C parser is several times faster; fall back when libyaml is missing.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 8 * 1024 * 1024
#: Values built from one document; an alias bomb multiplies far past this.
MAX_VALUES = 2_000_000

_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


class YamlNodeError(Exception):
    """A problem at a node: carries 0-based line and column like yaml's marks."""

    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


def compose(text: str) -> yaml.Node | None:
    """Parse `text` into a node tree (no Python objects are constructed)."""
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def build(node: yaml.Node) -> Any:
    """Plain dicts, lists and scalars from `node`, refusing unsafe tags and alias bombs."""
    budget = [MAX_VALUES]
    constructor = yaml.SafeLoader("")
    try:
        return _build(node, constructor, budget)
    finally:
        constructor.dispose()


def _build(node: yaml.Node, constructor: yaml.SafeLoader, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise _error(node, "too many values (alias expansion bomb?); refused")
    if isinstance(node, yaml.MappingNode):
        if node.tag != _MAP:
            raise _error(node, f"tag {node.tag!r} is not allowed in a pack")
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _error(key_node, "merge keys (<<) are not allowed in a pack")
            key = _build(key_node, constructor, budget)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise _error(key_node, "a mapping key must be a plain scalar")
            if key in result:
                raise _error(key_node, f"duplicate key {key!r}")
            result[key] = _build(value_node, constructor, budget)
        return result
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _SEQ:
            raise _error(node, f"tag {node.tag!r} is not allowed in a pack")
        return [_build(item, constructor, budget) for item in node.value]
    if node.tag == _STR:
        return node.value
    if node.tag not in _SCALAR_TAGS:
        raise _error(node, f"tag {node.tag!r} is not allowed in a pack")
    return constructor.construct_object(node, deep=False)


def _error(node: yaml.Node, message: str) -> YamlNodeError:
    return YamlNodeError(message, node.start_mark.line, node.start_mark.column)


def locate(
    root: yaml.Node | None, loc: Sequence[int | str], at_key: bool = False
) -> tuple[int, int]:
    """0-based (line, column) of the deepest node along `loc` (a pydantic error location).

    Parts that are not keys or indexes of the tree (a union's tag name) are skipped, so a
    missing key points at the mapping that lacks it. With `at_key`, the last part names a
    key and the key itself is pointed at (an unknown key); otherwise its value is.
    """
    node = root
    if node is None:
        return 0, 0
    for position, part in enumerate(loc):
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == part:
                    last = position == len(loc) - 1
                    node = key_node if (at_key and last) else value_node
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                node = node.value[part]
        else:
            break
    return node.start_mark.line, node.start_mark.column


def locate_needle(
    root: yaml.Node | None, text: str, loc: Sequence[int | str], needle: str, occurrence: int
) -> tuple[int, int]:
    """0-based (line, column) of the `occurrence`-th `needle` inside the scalar at `loc`.

    The scalar's source (between its marks) is searched, so a placeholder in a block or
    folded string is found on its own line. Falls back to the scalar's start.
    """
    line, col = locate(root, loc)
    node = _node_at(root, loc)
    if node is None or not isinstance(node, yaml.ScalarNode):
        return line, col
    start, end = node.start_mark.index, node.end_mark.index
    found = start - 1
    for _ in range(occurrence + 1):
        found = text.find(needle, found + 1, end)
        if found == -1:
            return line, col
    before = text[:found]
    return before.count("\n"), found - (before.rfind("\n") + 1)


def _node_at(root: yaml.Node | None, loc: Sequence[int | str]) -> yaml.Node | None:
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if 0 <= part < len(node.value) else None
        else:
            return None
        if node is None:
            return None
    return node
