"""Pack summaries cached by file mtime and size, so counts need no YAML or pydantic.

The home screen's counts and `quizapp stats` need, of each pack, its id, title, objectives
and each question's id and covered objectives. Validating 5,000 questions with pydantic
costs more than the start-up budget, so what a validated pack looked like is kept in the
data dir's `cache/pack-summaries.json`, keyed by path, modification time (ns) and size.
A file whose mtime or size changed, or that is not in the cache, makes the whole cache a
miss: the caller loads the registry (which validates and reports errors) and `remember`s it.

The cache is a convenience, never the truth: a missing, unreadable or foreign file is a
miss, and a file that failed to load is remembered as such (so a broken pack does not turn
every start into a miss; its errors are shown once the registry loads in the background).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizapp import locations
from quizapp.packs.files import pack_files

if TYPE_CHECKING:
    from quizapp.packs.registry import Registry

#: Bump when the summary's shape changes: older caches are then a miss.
CACHE_VERSION = 2


@dataclass(frozen=True)
class QuestionSummary:
    """What counts need of one question."""

    pack_id: str
    id: str
    topic: str
    covers: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str]:
        """(pack id, question id), the key of progress in the store."""
        return (self.pack_id, self.id)


@dataclass(frozen=True)
class PackSummary:
    """What counts need of one pack: id, title, objectives (id, text) and its questions.

    Questions are kept as parallel tuples (what the cache stores) and turned into
    `QuestionSummary` objects only when asked: the home screen's counts need the keys only.
    """

    pack_id: str
    title: str
    objectives: tuple[tuple[str, str], ...]
    question_ids: tuple[str, ...]
    topics: tuple[str, ...]
    covers: tuple[tuple[str, ...], ...]

    @property
    def keys(self) -> list[tuple[str, str]]:
        """(pack id, question id) of every question, in pack order."""
        return [(self.pack_id, qid) for qid in self.question_ids]

    @cached_property
    def questions(self) -> tuple[QuestionSummary, ...]:
        """Every question, in pack order."""
        return tuple(
            QuestionSummary(self.pack_id, qid, topic, covers)
            for qid, topic, covers in zip(self.question_ids, self.topics, self.covers, strict=True)
        )


def cache_path() -> Path:
    """Where summaries are cached."""
    return locations.data_dir() / "cache" / "pack-summaries.json"


def _stamp(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_mtime_ns, stat.st_size]


def _to_json(summary: PackSummary) -> dict[str, Any]:
    return {
        "id": summary.pack_id,
        "title": summary.title,
        "objectives": [list(pair) for pair in summary.objectives],
        "question_ids": list(summary.question_ids),
        "topics": list(summary.topics),
        "covers": [list(c) for c in summary.covers],
    }


def _from_json(data: dict[str, Any]) -> PackSummary:
    ids, topics, covers = data["question_ids"], data["topics"], data["covers"]
    if not (len(ids) == len(topics) == len(covers)):
        raise ValueError("question lists of different lengths")
    return PackSummary(
        pack_id=str(data["id"]),
        title=str(data["title"]),
        objectives=tuple((str(o), str(t)) for o, t in data["objectives"]),
        question_ids=tuple(ids),
        topics=tuple(topics),
        covers=tuple(tuple(c) for c in covers),
    )


def _read_cache(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return {}
    files = data.get("files")
    return files if isinstance(files, dict) else {}


def cached_summaries(folders: Sequence[Path], path: Path | None = None) -> list[PackSummary] | None:
    """The summaries of every pack file in `folders`, in load order, or None on any miss.

    Files remembered as broken are skipped; a duplicate pack id keeps the first, as the
    registry does.
    """
    files = _read_cache(path or cache_path())
    summaries: list[PackSummary] = []
    seen: set[str] = set()
    for folder in folders:
        for file in pack_files(folder):
            entry = files.get(str(file.resolve()))
            if not isinstance(entry, dict) or entry.get("stamp") != _stamp(file):
                return None
            if entry.get("summary") is None:
                continue
            try:
                summary = _from_json(entry["summary"])
            except (KeyError, TypeError, ValueError):
                return None
            if summary.pack_id not in seen:
                seen.add(summary.pack_id)
                summaries.append(summary)
    return summaries


def summarize(registry: Registry) -> list[PackSummary]:
    """Summaries of a loaded registry's packs, in load order."""
    return [
        PackSummary(
            pack_id=loaded.id,
            title=loaded.pack.pack.title,
            objectives=tuple((o.id, o.text) for o in loaded.pack.pack.objectives),
            question_ids=tuple(q.id for q in loaded.pack.questions),
            topics=tuple(q.topic for q in loaded.pack.questions),
            covers=tuple(tuple(q.covers) for q in loaded.pack.questions),
        )
        for loaded in registry.packs.values()
    ]


def remember(
    registry: Registry,
    folders: Iterable[Path],
    stamps: dict[Path, list[int] | None],
    path: Path | None = None,
) -> None:
    """Write the summaries of `registry`, loaded from `folders`, to the cache.

    Args:
        registry: Loaded from exactly `folders`.
        folders: The folders it was loaded from.
        stamps: Each file's (mtime, size) taken *before* loading, so that a file saved
            while it was being read is a miss next time rather than a stale hit.
        path: The cache file (default: `cache_path()`).
    """
    target = path or cache_path()
    by_path = {loaded.path.resolve(): loaded.id for loaded in registry.packs.values()}
    summaries = {summary.pack_id: summary for summary in summarize(registry)}
    # A broken file keeps its first located error, so a cached start can still say why
    # that pack was skipped.
    first_error: dict[Path, str] = {}
    for error in registry.errors:
        first_error.setdefault(error.path.resolve(), str(error))
    files: dict[str, Any] = {}
    for folder in folders:
        for file in pack_files(folder):
            resolved = file.resolve()
            pack_id = by_path.get(resolved)
            summary = summaries.get(pack_id) if pack_id is not None else None
            files[str(resolved)] = {
                "stamp": stamps.get(file),
                "summary": _to_json(summary) if summary is not None else None,
                "error": first_error.get(resolved) if summary is None else None,
            }
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a reader never sees half a file.
        partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps({"version": CACHE_VERSION, "files": files}), "utf-8")
        partial.replace(target)
    except OSError:
        # A read-only data dir only costs the next start its speed; never an error.
        return


def broken_packs(folders: Sequence[Path], path: Path | None = None) -> list[str]:
    """The remembered load error of each broken pack file in `folders` whose entry is fresh."""
    files = _read_cache(path or cache_path())
    lines: list[str] = []
    for folder in folders:
        for file in pack_files(folder):
            entry = files.get(str(file.resolve()))
            if not isinstance(entry, dict) or entry.get("stamp") != _stamp(file):
                continue
            error = entry.get("error")
            if entry.get("summary") is None and isinstance(error, str):
                lines.append(error)
    return lines


def load_and_remember(folders: Sequence[Path]) -> Registry:
    """Load the registry of `folders` (validating every pack) and refresh the cache."""
    from quizapp.packs.registry import Registry

    stamps = {file: _stamp(file) for folder in folders for file in pack_files(folder)}
    registry = Registry.load(folders)
    remember(registry, folders, stamps)
    return registry


def pack_summaries(folders: Sequence[Path]) -> list[PackSummary]:
    """Summaries of the packs in `folders`: cached when fresh, else loaded (and cached)."""
    cached = cached_summaries(folders)
    return cached if cached is not None else summarize(load_and_remember(folders))
