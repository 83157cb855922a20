"""Grade a `code` question: send the learner's source to the code server, read the verdicts.

The UI-process side of `engine/code_server.py` (which runs the code in a forked child with
limits). This module imports neither torch nor textual. The server is a `JsonLinesChild`
(`grading/client.py`): the same crash- and hang-proof client as the reference worker's, a
different process, spoken to with `engine/protocol.py`'s `RunCode` and `GetExamples`.
"""

from __future__ import annotations

import sys

from quizapp.engine.protocol import CodeReport, Examples, GetExamples, RunCode
from quizapp.grading.client import JsonLinesChild
from quizapp.grading.code_result import CodeRun
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
        server: The server's handle; tests may pass their own. Default: a fresh code server.
    """

    def __init__(self, server: JsonLinesChild | None = None) -> None:
        self.server = server or JsonLinesChild(list(CODE_SERVER_COMMAND), "the code server")

    def start(self) -> None:
        """Start the server now (non-blocking) so torch imports while the learner types."""
        self.server.start()

    @property
    def ready(self) -> bool:
        """True once the server is warm."""
        return self.server.ready

    def run(
        self,
        source: str,
        harness: str | None,
        cases: list[dict[str, int | float | str]] | None = None,
        timeout: float = 10.0,
        memory_mb: int | None = None,
    ) -> CodeReport:
        """The server's report on one submission.

        Raises:
            ProbeFailed: the server could not run it (crashed, a harness bug, a bad case).
        """
        request = RunCode(source, harness, cases, timeout, memory_mb)
        return self.server.call(request, CodeReport, timeout=timeout + BUILD_ALLOWANCE)

    def reference(self, question: CodeQuestion, source: str) -> Reference:
        """Run `source` on the question's cases: the run, as the reference a code answer
        is graded by (`grading/qtypes/code.py`).

        Raises:
            ProbeFailed: the server could not run it.
        """
        report = self.run(source, question.harness, question.cases, question.timeout)
        return Reference(report.status, run=CodeRun.of(report, question.solution))

    def examples(self) -> dict[str, dict[str, str]]:
        """Each harness's mistake examples: {harness: {mistake: source}}."""
        return self.server.call(GetExamples(), Examples, timeout=BUILD_ALLOWANCE).examples

    def close(self) -> None:
        """Stop the server."""
        self.server.close()


def function_of(question: CodeQuestion) -> str:
    """The signature the learner writes, e.g. `guide(noise_uncond, noise_text, ...)`."""
    return HARNESSES[question.harness].signature
