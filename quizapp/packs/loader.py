"""Load one pack file: safe YAML, pydantic validation, semantic checks, located errors."""

from __future__ import annotations

import difflib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from quizapp.oneline import describe_exception, one_line
from quizapp.packs import models
from quizapp.packs.errors import PackError, PackLoadError
from quizapp.packs.family_checks import FamilyIssue, check_families
from quizapp.packs.models import Pack
from quizapp.packs.semantics import check_pack
from quizapp.packs.yamlnodes import (
    MAX_FILE_BYTES,
    YamlNodeError,
    build,
    compose,
    locate,
    locate_needle,
    not_printable,
)


@dataclass(frozen=True)
class LoadedPack:
    """A valid pack and where it came from."""

    pack: Pack
    path: Path
    id_line: int
    id_col: int

    @property
    def id(self) -> str:
        return self.pack.pack.id


def load_pack(path: Path) -> LoadedPack:
    """Load and validate the pack at `path`.

    Raises:
        PackLoadError: with every problem found, each located at line and column.
    """
    return load_pack_text(_read(path), path)


def load_pack_text(text: str, path: Path) -> LoadedPack:
    """Load a pack from `text`, reporting errors against `path`.

    Raises:
        PackLoadError: for every problem, including ones this code did not foresee: a bad
            pack is reported, never allowed to take the caller (and the other packs) down.
    """
    try:
        return _load(text, path)
    except PackLoadError:
        raise
    except RecursionError:
        raise _fail(path, 0, 0, "nested too deeply to load") from None
    except Exception as error:  # the safety net: one located line instead of a traceback
        raise _fail(path, 0, 0, f"could not load ({describe_exception(error)})") from None


def _load(text: str, path: Path) -> LoadedPack:
    try:
        root = compose(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line, mark.column) if mark else (0, 0)
        problem = error.problem or error.context or "invalid YAML"
        raise _fail(path, line, col, f"YAML syntax error: {problem}") from None
    except yaml.reader.ReaderError:
        refused = not_printable(text)
        if refused is None:
            raise _fail(path, 0, 0, "the text has a character YAML does not allow") from None
        line, col, char = refused
        raise _fail(
            path, line, col, f"character U+{ord(char):04X} is not allowed in YAML text"
        ) from None
    except yaml.YAMLError as error:
        raise _fail(path, 0, 0, f"YAML error: {error}") from None
    if root is None:
        raise _fail(path, 0, 0, "empty file: a pack is a mapping with `pack` and `questions`")
    if not isinstance(root, yaml.MappingNode):
        found = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        raise _fail(
            path,
            root.start_mark.line,
            root.start_mark.column,
            f"the top level must be a mapping with `pack` and `questions`, not {found}",
        )
    try:
        data = build(root)
    except YamlNodeError as error:
        raise _fail(path, error.line, error.col, error.message) from None
    try:
        pack = Pack.model_validate(data)
    except ValidationError as error:
        raise PackLoadError(_located(path, root, data, error.errors())) from None
    issues = check_pack(pack, path.parent)
    family_issues = check_families(pack, path.parent)
    if issues or family_issues:
        errors = [_at(path, root, loc, _prefix(data, loc) + message) for loc, message in issues]
        errors += [_at_issue(path, root, text, data, issue) for issue in family_issues]
        raise PackLoadError(sorted(set(errors)))
    line, col = locate(root, ("pack", "id"))
    return LoadedPack(pack, path, line + 1, col + 1)


def read_pack_bytes(path: Path) -> bytes:
    """The bytes of the regular file at `path`, at most MAX_FILE_BYTES of them.

    Opened without blocking and checked on the open descriptor, so a FIFO, a device or a
    socket named as a pack is refused at once instead of hanging the reader forever.

    Raises:
        PackLoadError: when it is not a regular file, is too big, or cannot be read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise _fail(path, 0, 0, f"cannot read: {error.strerror or error}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _fail(path, 0, 0, "not a regular file; a pack is a .yaml file")
        if info.st_size > MAX_FILE_BYTES:
            raise _fail(
                path, 0, 0, f"file is {info.st_size} bytes; packs are limited to {MAX_FILE_BYTES}"
            )
        # One byte past the limit tells a file that grew since fstat from one that fits.
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise _fail(path, 0, 0, f"cannot read: {error.strerror or error}") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_FILE_BYTES:
        raise _fail(path, 0, 0, f"file is over {MAX_FILE_BYTES} bytes, the limit for a pack")
    return raw


def _read(path: Path) -> str:
    raw = read_pack_bytes(path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _fail(path, 0, 0, f"not UTF-8 text (byte {error.start})") from None


def _fail(path: Path, line: int, col: int, message: str) -> PackLoadError:
    return PackLoadError([PackError(path, line + 1, col + 1, one_line(message))])


def _at(
    path: Path, root: yaml.Node, loc: tuple[int | str, ...], message: str, at_key: bool = False
) -> PackError:
    line, col = locate(root, loc, at_key)
    return PackError(path, line + 1, col + 1, one_line(message))


def _at_issue(path: Path, root: yaml.Node, text: str, data: Any, issue: FamilyIssue) -> PackError:
    message = _prefix(data, issue.loc) + issue.message
    if issue.needle is None:
        return _at(path, root, issue.loc, message, issue.at_key)
    line, col = locate_needle(root, text, issue.loc, issue.needle, issue.occurrence)
    return PackError(path, line + 1, col + 1, one_line(message))


def _located(path: Path, root: yaml.Node, data: Any, errors: list[ErrorDetails]) -> list[PackError]:
    found: dict[tuple[int, int], PackError] = {}
    for error in errors:
        message = _prefix(data, error["loc"]) + _message(error)
        located = _at(path, root, error["loc"], message, error["type"] == "extra_forbidden")
        # A union's members each report the same bad value; one message per spot is enough.
        found.setdefault((located.line, located.col), located)
    return sorted(found.values())


def _prefix(data: Any, loc: tuple[int | str, ...]) -> str:
    """`question 'noise-pred' (#3): ` for errors inside a question, to name the culprit."""
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        questions = data.get("questions") if isinstance(data, dict) else None
        if isinstance(questions, list) and 0 <= loc[1] < len(questions):
            question = questions[loc[1]]
            qid = question.get("id") if isinstance(question, dict) else None
            if isinstance(qid, str):
                shown = qid if len(qid) <= 40 else qid[:37] + "..."
                return f"question {shown!r}: "
            return f"question #{loc[1] + 1}: "
    return ""


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    loc = [part for part in error["loc"] if isinstance(part, str)]
    field = loc[-1] if loc else "value"
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(field, _all_field_names(), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown key {field!r}{hint}"
    if kind == "missing":
        return f"missing required key {field!r}"
    if kind == "union_tag_invalid":
        tag = error.get("ctx", {}).get("tag", "?")
        return f"unknown question type {tag!r}; one of: {', '.join(models.QUESTION_TYPES)}"
    if kind == "union_tag_not_found":
        return f"missing required key 'type' (one of: {', '.join(models.QUESTION_TYPES)})"
    message = error["msg"].removeprefix("Value error, ")
    return f"{field}: {message}"


def _all_field_names() -> list[str]:
    names: set[str] = set()
    for value in vars(models).values():
        if isinstance(value, type) and issubclass(value, BaseModel):
            names.update(value.model_fields)
    return sorted(names)
