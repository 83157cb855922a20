"""`ctrl+r` in a code editor: run the learner's code on the cases, record nothing.

The practice and mock screens share this: a run goes through the same grading as a
submission (the code server, off the UI thread), but its result only goes back to the
editor, as rows under it, without the solution. Nothing reaches the store, and the
schedule is untouched: a run is a try, as `cargo run` is before rustlings' check.
"""

from __future__ import annotations

from itertools import count
from pathlib import Path

from textual.dom import DOMNode

from quizapp.grading.service import GradingService
from quizapp.screens.background_grading import BackgroundGrading
from quizapp.widgets.code_answer import CodeAnswer

#: The first element of the tag of a run's `Graded` message.
RUN_TAG = "code-run"


class CodeRuns:
    """Runs code for `screen`; forward its `BackgroundGrading.Graded` messages to `arrived`.

    Args:
        screen: Where the thread worker runs and its message goes.
        grading: The grading service.
    """

    def __init__(self, screen: DOMNode, grading: GradingService) -> None:
        self._grading = BackgroundGrading(screen, grading)
        self._numbers = count(1)
        self._waiting: tuple[int, CodeAnswer] | None = None

    async def run(self, event: CodeAnswer.RunRequested, pack_dir: Path | None) -> None:
        """Start running the code of `event`; a newer run replaces one still running."""
        event.stop()
        editor = event.answer_input
        number = next(self._numbers)
        self._waiting = (number, editor)
        ready = self._grading.code_ready
        await editor.show_running(
            "running your code on the cases…"
            if ready
            else "starting the code runner (importing torch), then running your code…"
        )
        # Not exclusive: the mock screen's answers grade in the same worker group.
        self._grading.grade((RUN_TAG, number), editor.question, event.source, pack_dir)

    async def arrived(self, event: BackgroundGrading.Graded) -> bool:
        """Show a run's result in its editor; False when `event` is not a run's (the
        screen handles it). A run whose editor is gone, or a run replaced, is dropped."""
        tag = event.tag
        if not (isinstance(tag, tuple) and tag and tag[0] == RUN_TAG):
            return False
        event.stop()
        waiting = self._waiting
        if waiting is None or waiting[0] != tag[1] or not waiting[1].is_attached:
            return True
        self._waiting = None
        editor = waiting[1]
        if event.unreadable is not None:
            await editor.show_run(None, event.unreadable)
        elif event.result.code is None:
            await editor.show_run(None, event.result.detail or "could not run the code")
        else:
            await editor.show_run(event.result.code, detail=event.result.detail)
        return True
