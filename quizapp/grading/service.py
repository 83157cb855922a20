"""The one object screens and commands grade through.

It finds each question's reference (the typed answer, a cached probe result, or a fresh
run in the reference worker), grades the learner's answer against it, and turns a worker
failure into "could not grade: reason" for that one question so the session goes on.

A family question arrives pinned to one variant (`packs/families.py`); its computed traps
are probes of their own, run (and cached) like the answer's. `prefetch` computes all of
them in a background thread while the learner reads, so the grade finds them cached.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Protocol

from quizapp.grading.client import ProbeOutcome, ReferenceWorker
from quizapp.grading.code_grading import CodeGrader
from quizapp.grading.computed_traps import computed_probes, computed_trap_named, resolve_traps
from quizapp.grading.errors import ProbeFailed
from quizapp.grading.grader import Reference, grade, typed_reference
from quizapp.grading.probekey import known_probe_key, probe_key
from quizapp.grading.qtypes import question_type
from quizapp.grading.result import GradeResult
from quizapp.packs.families import describe, is_family, pin, pinned_settings, variants
from quizapp.packs.modelref import ModelNotFound, resolve_model
from quizapp.packs.models import AnyQuestion, Probe, Value


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
CodeGraderFactory = Callable[[], CodeGrader]


class GradingService:
    """Grades answers; owns the reference worker, started lazily or by `warm_up()`."""

    def __init__(
        self,
        cache: ProbeCache | None = None,
        worker_factory: WorkerFactory = ReferenceWorker,
        code_factory: CodeGraderFactory = CodeGrader,
    ) -> None:
        self._cache: ProbeCache = cache if cache is not None else MemoryCache()
        self._worker_factory = worker_factory
        self._worker: ReferenceWorker | None = None
        self._code_factory = code_factory
        self._code: CodeGrader | None = None
        self._examples: dict[str, dict[str, str]] | None = None
        self._lock = threading.Lock()
        # Probe runs in progress, by key: a grade waits for the prefetch of the same probe
        # instead of running it a second time.
        self._inflight: dict[str, Future[Reference]] = {}
        self._inflight_lock = threading.Lock()
        self._prefetcher: ThreadPoolExecutor | None = None
        self._prefetching: list[Future[None]] = []

    def code_grader(self) -> CodeGrader:
        """The code server's client (learner code runs there, never in the reference worker)."""
        with self._lock:
            if self._code is None:
                self._code = self._code_factory()
                self._code.start()
            return self._code

    def code_examples(self) -> dict[str, dict[str, str]]:
        """Each harness's mistake examples, asked of the code server once."""
        if self._examples is None:
            self._examples = self.code_grader().examples()
        return self._examples

    @property
    def code_ready(self) -> bool:
        """True once the code server is warm."""
        return self._code is not None and self._code.ready

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
        """Start the worker if any of `questions` is executed; True if it was.

        A question graded by a harness run starts the code server instead (it has its own
        warm process).
        """
        questions = list(questions)
        if any(question_type(q).harness_run is not None for q in questions):
            self.code_grader()
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
        question = concrete(question)
        typed = typed_reference(question)
        probe = _probe_of(question)
        if typed is not None or probe is None:
            return typed
        # Called on the UI thread: a model never digested yet means "not cached" here, and
        # `reference` (in a thread) does the hashing.
        key = known_probe_key(probe, _model_path(probe, pack_dir))
        cached = None if key is None else self._cached(key)
        return _with_settings(cached, question) if cached is not None else None

    def reference(self, question: AnyQuestion, pack_dir: Path | None) -> Reference | None:
        """The reference answer of `question`; None for self-rated types.

        Raises:
            ProbeFailed: when the probe could not be run.
        """
        question = concrete(question)
        typed = typed_reference(question)
        probe = _probe_of(question)
        if typed is not None or probe is None:
            return typed
        return _with_settings(self._probe_reference(probe, pack_dir), question)

    def _probe_reference(self, probe: Probe, pack_dir: Path | None) -> Reference:
        """The probe's computed value: cached, awaited from a run in progress, or run now.

        Raises:
            ProbeFailed: when the probe could not be run.
        """
        # The key is computed once: it hashes the probe and (memoised) the model folder.
        model_path = _model_path(probe, pack_dir)
        try:
            key = probe_key(probe, model_path)
        except (ModelNotFound, OSError) as error:
            raise ProbeFailed(f"cannot read the model: {error}") from None
        cached = self._cached(key)
        if cached is not None:
            return cached
        for attempt in range(2):
            with self._inflight_lock:
                running = self._inflight.get(key)
                if running is None:
                    # A run may have finished since the first look: its result is cached now.
                    cached = self._cached(key)
                    if cached is not None:
                        return cached
                    mine: Future[Reference] = Future()
                    self._inflight[key] = mine
                    break
            try:
                return running.result()
            except ProbeFailed:
                # That run (a prefetch, typically) started earlier and failed: its failure
                # must not decide this caller's grade, which gets one attempt of its own.
                if attempt:
                    raise
        try:
            outcome: ProbeOutcome = self._get_worker().run(probe, model_path)
            self._cache.cache_put(key, json.dumps(outcome.value), json.dumps(outcome.trace))
            reference = Reference(outcome.value, outcome.trace)
        except BaseException as error:
            mine.set_exception(error)
            raise
        finally:
            with self._inflight_lock:
                self._inflight.pop(key, None)
        mine.set_result(reference)
        return reference

    def probe_value(self, probe: Probe, pack_dir: Path | None) -> Value:
        """The value one concrete probe computes (cached, or run in the worker).

        Raises:
            ProbeFailed: when the probe could not be run.
        """
        value: Value = self._probe_reference(probe, pack_dir).value
        return value

    def with_computed_traps(
        self, question: AnyQuestion, reference: Reference, pack_dir: Path | None
    ) -> AnyQuestion:
        """`question` (pinned) with its computed traps' values for this variant."""
        question = concrete(question)

        def run(probe: Probe) -> Value | None:
            try:
                return self.probe_value(probe, pack_dir)
            except ProbeFailed:
                return None  # the mistake made the loop raise: no trap in this variant

        return resolve_traps(question, reference.value, run)

    def prefetch(
        self, questions: Iterable[AnyQuestion], pack_dirs: Iterable[Path | None]
    ) -> list[Future[None]]:
        """Compute the references (and computed traps) of `questions` in the background.

        Returns at once, with one future per executed question. Failures are left for the
        grade itself to report.
        """
        todo = [(concrete(q), d) for q, d in zip(questions, pack_dirs, strict=True) if q.executed]
        if not todo:
            return []
        with self._lock:
            if self._prefetcher is None:
                self._prefetcher = ThreadPoolExecutor(1, thread_name_prefix="quizapp-prefetch")
            prefetcher = self._prefetcher
            futures = [prefetcher.submit(self._prefetch_one, q, d) for q, d in todo]
            self._prefetching = [f for f in self._prefetching if not f.done()] + futures
        return futures

    def wait_prefetch(self, timeout: float | None = None) -> bool:
        """Wait for the prefetches submitted so far; True when all finished in time."""
        with self._lock:
            pending = list(self._prefetching)
        _, not_done = wait(pending, timeout=timeout)
        return not not_done

    def _prefetch_one(self, question: AnyQuestion, pack_dir: Path | None) -> None:
        probe = _probe_of(question)
        if probe is None:
            return
        for other in [probe, *computed_probes(question)]:
            try:
                self._probe_reference(other, pack_dir)
            except ProbeFailed:
                continue  # the grade reports the main probe's failure; traps just drop

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
        harness_run = question_type(question).harness_run
        if harness_run is not None:
            # The reference of such an answer is its own run in the code server.
            try:
                run = harness_run.reference(self.code_grader(), question, answer)
            except ProbeFailed as failure:
                return GradeResult.ungraded(failure.reason, answer)
            return grade(question, answer, run)
        question = concrete(question)
        try:
            reference = self.reference(question, pack_dir)
        except ProbeFailed as failure:
            return GradeResult.ungraded(failure.reason, answer)
        if reference is not None and question.executed:
            question = self.with_computed_traps(question, reference, pack_dir)
        result = grade(question, answer, reference)
        named = computed_trap_named(question, result.trap)
        if named is not None:
            result = dataclasses.replace(result, trap_source=named.computed)
        return result

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
        """Stop the worker and the code server, if they run."""
        with self._lock:
            prefetcher, self._prefetcher = self._prefetcher, None
            if self._worker is not None:
                self._worker.close()
                self._worker = None
            if self._code is not None:
                self._code.close()
                self._code = None
        if prefetcher is not None:
            prefetcher.shutdown(wait=False, cancel_futures=True)


def concrete(question: AnyQuestion) -> AnyQuestion:
    """A family not yet drawn is graded as its first variant (screens pin one first)."""
    if is_family(question) and pinned_settings(question) is None:
        return pin(question, variants(question)[0])
    return question


def _with_settings(reference: Reference, question: AnyQuestion) -> Reference:
    """The reference whose trace starts with the variant's settings, for a family."""
    settings = pinned_settings(question)
    if settings is None:
        return reference
    return Reference(reference.value, (f"variant: {describe(settings)}", *reference.trace))


def _probe_of(question: AnyQuestion) -> Probe | None:
    probe: Probe | None = getattr(question, "probe", None)
    return probe


def _model_path(probe: Probe, pack_dir: Path | None) -> Path | None:
    try:
        return resolve_model(probe.model, pack_dir)
    except ModelNotFound as error:
        raise ProbeFailed(str(error)) from None
