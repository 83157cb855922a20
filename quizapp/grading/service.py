"""The one object screens and commands grade through.

It finds each question's reference (the typed answer, a cached probe result, or a fresh
run in the reference worker), grades the learner's answer against it, and turns a worker
failure into "could not grade: reason" for that one question so the session goes on.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from quizapp.grading.client import ProbeOutcome, ReferenceWorker
from quizapp.grading.errors import ProbeFailed
from quizapp.grading.grader import Reference, grade, typed_reference
from quizapp.grading.probekey import known_probe_key, probe_key
from quizapp.grading.result import GradeResult
from quizapp.packs.modelref import ModelNotFound, resolve_model
from quizapp.packs.models import AnyQuestion, Probe


class ProbeCache(Protocol):
    """Where computed references are kept (the Store implements it)."""

    def cache_get(self, key: str) -> tuple[str, str] | None: ...

    def cache_put(self, key: str, value_json: str, trace_json: str) -> None: ...


class MemoryCache:
    """A ProbeCache in a dict, for `grade` without a store and for tests."""

    def __init__(self) -> None:
        self._rows: dict[str, tuple[str, str]] = {}

    def cache_get(self, key: str) -> tuple[str, str] | None:
        return self._rows.get(key)

    def cache_put(self, key: str, value_json: str, trace_json: str) -> None:
        self._rows[key] = (value_json, trace_json)


WorkerFactory = Callable[[], ReferenceWorker]


class GradingService:
    """Grades answers; owns the reference worker, started lazily or by `warm_up()`."""

    def __init__(
        self,
        cache: ProbeCache | None = None,
        worker_factory: WorkerFactory = ReferenceWorker,
    ) -> None:
        self._cache: ProbeCache = cache if cache is not None else MemoryCache()
        self._worker_factory = worker_factory
        self._worker: ReferenceWorker | None = None
        self._lock = threading.Lock()

    def _get_worker(self) -> ReferenceWorker:
        with self._lock:
            if self._worker is None:
                self._worker = self._worker_factory()
                self._worker.start()
            return self._worker

    def warm_up(self) -> None:
        """Start the worker now (non-blocking) so torch imports while the learner reads."""
        self._get_worker()

    def warm_up_for(self, questions: Iterable[AnyQuestion]) -> bool:
        """Start the worker if any of `questions` is executed; True if it was."""
        if any(q.executed for q in questions):
            self.warm_up()
            return True
        return False

    @property
    def worker_ready(self) -> bool:
        """True once the worker has imported torch and diffusers."""
        return self._worker is not None and self._worker.ready

    def cached_reference(self, question: AnyQuestion, pack_dir: Path | None) -> Reference | None:
        """The reference if it needs no worker (typed, or cached), else None."""
        typed = typed_reference(question)
        probe = _probe_of(question)
        if typed is not None or probe is None:
            return typed
        # Called on the UI thread: a model never digested yet means "not cached" here, and
        # `reference` (in a thread) does the hashing.
        key = known_probe_key(probe, _model_path(probe, pack_dir))
        return None if key is None else self._cached(key)

    def reference(self, question: AnyQuestion, pack_dir: Path | None) -> Reference | None:
        """The reference answer of `question`; None for self-rated types.

        Raises:
            ProbeFailed: when the probe could not be run.
        """
        typed = typed_reference(question)
        probe = _probe_of(question)
        if typed is not None or probe is None:
            return typed
        # The key is computed once: it hashes the probe and (memoised) the model folder.
        model_path = _model_path(probe, pack_dir)
        try:
            key = probe_key(probe, model_path)
        except (ModelNotFound, OSError) as error:
            raise ProbeFailed(f"cannot read the model: {error}") from None
        cached = self._cached(key)
        if cached is not None:
            return cached
        outcome: ProbeOutcome = self._get_worker().run(probe, model_path)
        self._cache.cache_put(key, json.dumps(outcome.value), json.dumps(outcome.trace))
        return Reference(outcome.value, outcome.trace)

    def _cached(self, key: str) -> Reference | None:
        row = self._cache.cache_get(key)
        if row is None:
            return None
        return Reference(json.loads(row[0]), tuple(json.loads(row[1])))

    def grade(self, question: AnyQuestion, answer: str, pack_dir: Path | None) -> GradeResult:
        """Grade `answer`; a worker failure becomes an ungraded result, not an exception.

        Raises:
            AnswerSyntaxError: when `answer` cannot be read as the question's type.
        """
        try:
            reference = self.reference(question, pack_dir)
        except ProbeFailed as failure:
            return GradeResult.ungraded(failure.reason, answer)
        return grade(question, answer, reference)

    def abandon(self, question: AnyQuestion, pack_dir: Path | None) -> None:
        """The screen waiting for `question`'s grade or reference is gone: stop its probe.

        The next question's probe then runs at once instead of queueing behind it.
        """
        probe = _probe_of(question)
        worker = self._worker
        if probe is None or worker is None:
            return
        try:
            model_path = _model_path(probe, pack_dir)
        except ProbeFailed:
            return  # it never reached the worker
        worker.abandon(probe, model_path)

    def close(self) -> None:
        """Stop the worker, if one runs."""
        with self._lock:
            if self._worker is not None:
                self._worker.close()
                self._worker = None


def _probe_of(question: AnyQuestion) -> Probe | None:
    probe: Probe | None = getattr(question, "probe", None)
    return probe


def _model_path(probe: Probe, pack_dir: Path | None) -> Path | None:
    try:
        return resolve_model(probe.model, pack_dir)
    except ModelNotFound as error:
        raise ProbeFailed(str(error)) from None
