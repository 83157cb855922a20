"""Grade a `code` question: send the learner's source to the code server, read the verdicts.

The UI-process side of `engine/code_server.py` (which runs the code in a forked child with
limits). This module imports neither torch nor textual. The server process is a
`ReferenceWorker` handle started with the code server's command: the same crash- and
hang-proof JSON-lines client, a different process.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from quizapp.grading.client import ReferenceWorker
from quizapp.grading.errors import ProbeFailed
from quizapp.grading.qtypes.base import Reference
from quizapp.packs.harnesses import HARNESSES
from quizapp.packs.models import CodeQuestion

#: Seconds allowed on top of the learner's timeout for building cases the first time
#: (the denoise_loop harness runs the reference loop and each mistake).
BUILD_ALLOWANCE = 120.0

CODE_SERVER_COMMAND = [sys.executable, "-m", "quizapp.engine.code_server"]


class CodeGrader:
    """Owns the code server; `grade` blocks until the run is judged (call it off the UI thread).

    Args:
        worker: The server handle; tests may pass their own. Default: a fresh code server.
    """

    def __init__(self, worker: ReferenceWorker | None = None) -> None:
        self.worker = worker or ReferenceWorker(command=list(CODE_SERVER_COMMAND))

    def start(self) -> None:
        """Start the server now (non-blocking) so torch imports while the learner types."""
        self.worker.start()

    @property
    def ready(self) -> bool:
        """True once the server is warm."""
        return self.worker.ready

    def run(
        self,
        source: str,
        harness: str | None,
        cases: list[dict[str, Any]] | None = None,
        timeout: float = 10.0,
        memory_mb: int | None = None,
    ) -> dict[str, Any]:
        """The server's raw response to one submission.

        Raises:
            ProbeFailed: the server could not run it (crashed, a harness bug, a bad case).
        """
        request: dict[str, Any] = {
            "source": source,
            "harness": harness,
            "cases": cases,
            "timeout": timeout,
        }
        if memory_mb is not None:
            request["memory_mb"] = memory_mb
        response = self.worker.call(request, timeout=timeout + BUILD_ALLOWANCE)
        if not response.get("ok"):
            raise ProbeFailed(str(response.get("error") or "the code server gave no reason"))
        return response

    def reference(self, question: CodeQuestion, source: str) -> Reference:
        """Run `source` on the question's cases: the run, as the reference a code answer
        is graded by (`grading/qtypes/code.py`).

        Raises:
            ProbeFailed: the server could not run it.
        """
        response = self.run(source, question.harness, question.cases, question.timeout)
        return Reference(json.dumps(response))

    def examples(self) -> dict[str, dict[str, str]]:
        """Each harness's mistake examples: {harness: {mistake: source}}."""
        response = self.worker.call({"examples": True}, timeout=BUILD_ALLOWANCE)
        examples = response.get("examples")
        if not response.get("ok") or not isinstance(examples, dict):
            raise ProbeFailed(str(response.get("error") or "the code server sent no examples"))
        return examples

    def close(self) -> None:
        """Stop the server."""
        self.worker.close()


def function_of(question: CodeQuestion) -> str:
    """The signature the learner writes, e.g. `guide(noise_uncond, noise_text, ...)`."""
    return HARNESSES[question.harness].signature
