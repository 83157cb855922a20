"""A stand-in code grader for UI tests: canned verdicts, no torch, no server."""

from __future__ import annotations

import threading
from typing import Any

from quizapp.engine.protocol import CodeReport
from quizapp.grading.code_grading import CodeGrader

WRONG_RESPONSE: dict[str, Any] = {
    "status": "done",
    "mistake": "swapped_guidance",
    "output": "hello from the learner\n",
    "output_bytes": 23,
    "cases": [
        {
            "case": "gs 7.5, t=901, (1, 4, 8, 8)",
            "ok": False,
            "max_abs_err": 2.91,
            "tolerance": "rtol 0.0001, atol 1e-05",
            "expected_shape": [1, 4, 8, 8],
            "got_shape": [1, 4, 8, 8],
            "error": None,
            "mistake": "swapped_guidance",
        },
        {
            "case": "gs 3, t=501, (2, 4, 8, 8)",
            "ok": False,
            "max_abs_err": None,
            "tolerance": "rtol 0.0001, atol 1e-05",
            "expected_shape": [2, 4, 8, 8],
            "got_shape": [4, 8, 8],
            "error": "shape (4, 8, 8), expected (2, 4, 8, 8)",
            "mistake": None,
        },
        {
            "case": "gs 12, t=101, (1, 4, 4, 4)",
            "ok": True,
            "max_abs_err": 0.0,
            "tolerance": "rtol 0.0001, atol 1e-05",
            "expected_shape": [1, 4, 4, 4],
            "got_shape": [1, 4, 4, 4],
            "error": None,
            "mistake": None,
        },
    ],
}


class FakeCodeGrader(CodeGrader):
    """Answers every submission with `response`; records the sources it was given."""

    response: CodeReport = CodeReport(**WRONG_RESPONSE)

    def __init__(self) -> None:
        self.sources: list[str] = []
        self.release = threading.Event()
        self.release.set()

    def start(self) -> None:
        pass

    @property
    def ready(self) -> bool:
        return True

    def run(
        self,
        source: str,
        harness: str | None,
        cases: list[dict[str, Any]] | None = None,
        timeout: float = 10.0,
        memory_mb: int | None = None,
    ) -> CodeReport:
        self.sources.append(source)
        self.release.wait(timeout=30)
        return self.response

    def close(self) -> None:
        self.release.set()
