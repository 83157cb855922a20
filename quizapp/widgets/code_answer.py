"""The answer to a code question: a Python editor holding the starter.

`ctrl+r` runs the code (submits it for grading); `ctrl+e` opens it in `$VISUAL`/`$EDITOR`
with the app suspended and reads it back. The starter is only shown here: nothing runs
until the learner submits.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.widgets import Label, TextArea

from quizapp.boundedread import UnreadableAnswer, read_answer_file
from quizapp.packs.harnesses import HARNESSES
from quizapp.packs.models import CodeQuestion
from quizapp.widgets.answer_input import AnswerInput


class CodeEditor(TextArea):
    """The Python editor; its control keys run the code or hand it to an external editor."""

    # ctrl+e is TextArea's end-of-line: `end` still does that, ctrl+e opens $EDITOR.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "run_code", "Run"),
        Binding("ctrl+e", "external_editor", "$EDITOR"),
        Binding("ctrl+t", "screen.hint", "Hint"),
        Binding("ctrl+s", "screen.skip", "Skip"),
        Binding("ctrl+g", "screen.flag", "Flag"),
    ]

    def _owner(self) -> CodeAnswer | None:
        node = self.parent
        while node is not None and not isinstance(node, CodeAnswer):
            node = node.parent
        return node

    def action_run_code(self) -> None:
        """Submit the code."""
        if (owner := self._owner()) is not None:
            owner.run_code()

    def action_external_editor(self) -> None:
        """Edit in $EDITOR."""
        if (owner := self._owner()) is not None:
            owner.open_external_editor()


class CodeAnswer(AnswerInput):
    """Write the harness's function; `ctrl+r` submits the source."""

    question: CodeQuestion

    DEFAULT_CSS = """
    CodeAnswer #code-editor { height: auto; min-height: 8; max-height: 30; }
    CodeAnswer #code-help { color: $text-muted; }
    """

    def __init__(self, question: CodeQuestion, *, id: str | None = None) -> None:
        super().__init__(question, id=id)

    def compose(self) -> ComposeResult:
        spec = HARNESSES[self.question.harness]
        yield Label(f"Write [b]{spec.signature}[/b]", id="code-signature", markup=True)
        yield CodeEditor(
            self.question.starter,
            language="python",
            theme="css",
            soft_wrap=False,
            tab_behavior="indent",
            show_line_numbers=True,
            id="code-editor",
        )
        yield Label(
            f"ctrl+r run on the cases ({self.question.timeout:g} s limit) · ctrl+e $EDITOR · "
            "your code runs as you, on this machine",
            id="code-help",
        )
        yield self.error_label()

    @property
    def source(self) -> str:
        """The code as it is in the editor."""
        return self.query_one(CodeEditor).text

    def run_code(self) -> None:
        """Submit the editor's code, unless it is empty."""
        if not self.source.strip():
            self.show_error("Write some code first.")
            return
        self.submit(self.source)

    def open_external_editor(self) -> None:
        """Suspend the app, edit the code in $VISUAL/$EDITOR, read it back."""
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not command:
            self.show_error("Set $EDITOR (or $VISUAL) to edit in your own editor.")
            return
        handle, name = tempfile.mkstemp(prefix=f"{self.question.id}-", suffix=".py")
        path = Path(name)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(self.source)
            try:
                with self.app.suspend():
                    finished = subprocess.run([*shlex.split(command), str(path)], check=False)
            except SuspendNotSupported:
                self.show_error("This terminal cannot hand over to an external editor.")
                return
            except OSError as error:
                self.show_error(f"Cannot start {command!r}: {error}")
                return
            if finished.returncode != 0:
                self.show_error(f"{command} exited with {finished.returncode}; code unchanged.")
                return
            try:
                edited = read_answer_file(str(path))
            except UnreadableAnswer as error:
                self.show_error(f"{error}; code unchanged.")
                return
            editor = self.query_one(CodeEditor)
            # A replace, not a reload, so ctrl+z can undo the external edit.
            editor.replace(edited, (0, 0), editor.document.end)
            self.show_error("")
        finally:
            path.unlink(missing_ok=True)
        self.query_one(CodeEditor).focus()
