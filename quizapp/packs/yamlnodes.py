"""Safe YAML to plain Python, keeping the node tree so errors can point at line and column.

We compose nodes with the C safe loader where available and build Python values ourselves:
only the core schema's tags are accepted (a `!!python/...` tag is an error, never run), and
the number of values built is bounded so an alias bomb is refused instead of expanded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from quizapp.textsafe import first_control

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
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
#: Tag → the word errors use for it.
_SCALAR_TAGS = {
    _STR: "string",
    "tag:yaml.org,2002:int": "integer",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:bool": "boolean",
    "tag:yaml.org,2002:null": "null",
}
#: Characters YAML refuses in a stream (its `printable` set, inverted).
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


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
    too_big = _first_over_budget(node, MAX_VALUES)
    if too_big is not None:
        raise _error(too_big, "too many values (alias expansion bomb?); refused")
    state = _State(yaml.SafeLoader(""))
    try:
        return _build(node, state)
    finally:
        state.constructor.dispose()


def _first_over_budget(root: yaml.Node, budget: int) -> yaml.Node | None:
    """The first collection whose expansion passes `budget` values, counted without building.

    Aliases share nodes, so sizes are memoised per node: the count costs one visit per
    node of the document, however many values the aliases would multiply it into.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    # Iterative post-order walk: a deeply nested document must not exhaust the stack here.
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if not expanded and children:
            if id(node) in open_nodes:
                return node  # `&a [*a]`: an alias inside its own anchor expands forever
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        open_nodes.discard(id(node))
        size = 1 + sum(sizes.get(id(child), 1) for child in children)
        if size > budget:
            return node
        sizes[id(node)] = size
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


@dataclass
class _State:
    constructor: yaml.SafeLoader
    budget: int = MAX_VALUES
    #: ids of string nodes already checked: an alias repeats a node, checked once.
    checked: set[int] = field(default_factory=set)


def _build(node: yaml.Node, state: _State) -> Any:
    state.budget -= 1
    if state.budget < 0:
        raise _error(node, "too many values (alias expansion bomb?); refused")
    if isinstance(node, yaml.MappingNode):
        if node.tag != _MAP:
            raise _error(node, f"tag {node.tag!r} is not allowed in a pack")
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _error(key_node, "merge keys (<<) are not allowed in a pack")
            key = _build(key_node, state)
            if not isinstance(key, str):
                raise _error(key_node, _key_message(key_node, key))
            if key in result:
                raise _error(key_node, f"duplicate key {key!r}")
            result[key] = _build(value_node, state)
        return result
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _SEQ:
            raise _error(node, f"tag {node.tag!r} is not allowed in a pack")
        return [_build(item, state) for item in node.value]
    if node.tag == _STR:
        return _text(node, state.checked)
    return _scalar(node, state.constructor)


def _text(node: yaml.Node, checked: set[int]) -> str:
    text: str = node.value
    if id(node) in checked:
        return text
    index = first_control(text)
    if index is not None:
        raise _error(
            node,
            f"control character U+{ord(text[index]):04X} in text; only newline and tab are "
            "allowed (terminals would act on it)",
        )
    checked.add(id(node))
    return text


def _scalar(node: yaml.Node, constructor: yaml.SafeLoader) -> Any:
    if node.tag == _TIMESTAMP:
        raise _error(node, f"{_shown(node)} is read as a date; quote it to keep it as text")
    kind = _SCALAR_TAGS.get(node.tag)
    if kind is None:
        raise _error(node, f"tag {node.tag!r} is not allowed in a pack")
    try:
        return constructor.construct_object(node, deep=False)
    except ValueError as error:
        if "digits" in str(error):  # int() refuses more than sys.get_int_max_str_digits()
            raise _error(node, f"integer of {len(node.value)} characters is too long") from None
        raise _error(node, f"{_shown(node)} is not a valid {kind}") from None
    except (yaml.YAMLError, LookupError, TypeError, ArithmeticError):
        # Each core-schema constructor fails its own way (`!!bool maybe` is a KeyError,
        # `!!int ''` an IndexError); to the author they are all the same mistake.
        raise _error(node, f"{_shown(node)} is not a valid {kind}") from None


def _shown(node: yaml.Node) -> str:
    """The scalar as the author wrote it, short enough for a one-line error."""
    value = str(node.value)
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _key_message(node: yaml.Node, key: object) -> str:
    if isinstance(key, bool):
        what = "a boolean"
    elif key is None:
        what = "null"
    elif isinstance(key, int | float):
        what = "a number"
    else:
        return "a key must be a name, not a list or a mapping"
    if isinstance(node, yaml.ScalarNode) and node.value:
        return f"key {_shown(node)} is read as {what}; keys are names: quote it"
    return f"a key must be a name, not {what}"


def _error(node: yaml.Node, message: str) -> YamlNodeError:
    return YamlNodeError(message, node.start_mark.line, node.start_mark.column)


def not_printable(text: str) -> tuple[int, int, str] | None:
    """0-based (line, column, char) of the first character YAML refuses, or None."""
    found = _NOT_PRINTABLE.search(text)
    if found is None:
        return None
    start = found.start()
    line = text.count("\n", 0, start)
    col = start - (text.rfind("\n", 0, start) + 1)
    return line, col, found.group()


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
