"""The answer to a code question: a Python editor holding the starter, run and submit.

Two keys, as rustlings users expect: `ctrl+r` runs the code on the cases and shows a row
per case under the editor (nothing is recorded, no solution is shown: the screen runs it,
see `screens/code_runs.py`); `ctrl+n` submits it for grading. `ctrl+e` opens the code in
`$VISUAL`/`$EDITOR` with the app suspended and reads it back. The editor indents as Python
editors do: Enter keeps the line's indentation, one level more after a `:`, one less after
`return`, `pass`, `raise`, `break` or `continue`.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, Static, TextArea

from quizapp.boundedread import UnreadableAnswer, read_answer_file
from quizapp.grading.code_result import CodeRun
from quizapp.packs.harnesses import HARNESSES
from quizapp.packs.models import CodeQuestion
from quizapp.widgets.answer_input import AnswerInput
from quizapp.widgets.code_run_view import CodeRunView

#: Spaces per indentation level (PEP 8).
INDENT = 4
#: A line after which the next one is indented one level less.
_DEDENT_AFTER = re.compile(r"^\s*(return|pass|raise|break|continue)\b")


def next_indent(line: str) -> str:
    """The indentation of the line after `line` (the text before the cursor)."""
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    code = line.split("#", 1)[0].rstrip()
    if code.endswith(":"):
        return indent + " " * INDENT
    if _DEDENT_AFTER.match(code):
        return indent[:-INDENT] if len(indent) >= INDENT else ""
    return indent


class CodeEditor(TextArea):
    """The Python editor; its control keys run, submit, or hand the code to $EDITOR."""

    # ctrl+e is TextArea's end-of-line: `end` still does that, ctrl+e opens $EDITOR.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "run_code", "Run"),
        Binding("ctrl+n", "submit_code", "Submit"),
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

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter" and not self.read_only:
            event.stop()
            event.prevent_default()
            self._restart_blink()
            row, column = self.cursor_location
            before = self.document[row][:column]
            start, end = self.selection
            self._replace_via_keyboard("\n" + next_indent(before), start, end)
            return
        await super()._on_key(event)

    def action_run_code(self) -> None:
        """Run the code on the cases (nothing recorded)."""
        if (owner := self._owner()) is not None:
            owner.run_code()

    def action_submit_code(self) -> None:
        """Submit the code for grading."""
        if (owner := self._owner()) is not None:
            owner.submit_code()

    def action_external_editor(self) -> None:
        """Edit in $EDITOR."""
        if (owner := self._owner()) is not None:
            owner.open_external_editor()


class CodeAnswer(AnswerInput):
    """Write the harness's function; `ctrl+r` runs it, `ctrl+n` submits the source."""

    question: CodeQuestion

    DEFAULT_CSS = """
    CodeAnswer { height: 1fr; min-height: 12; }
    CodeAnswer #code-editor { height: 1fr; min-height: 6; }
    CodeAnswer #code-help { color: $text-muted; width: 1fr; }
    CodeAnswer #code-run-detail { text-style: bold; }
    CodeAnswer #code-run { height: auto; max-height: 50%; overflow-y: auto; }
    CodeAnswer #code-run-status { color: $warning; }
    """

    class RunRequested(Message):
        """The learner asked to run the code on the cases (nothing is recorded)."""

        def __init__(self, answer_input: CodeAnswer, source: str) -> None:
            super().__init__()
            self.answer_input = answer_input
            self.source = source

        @property
        def control(self) -> CodeAnswer:
            """The input that sent the message."""
            return self.answer_input

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
            f"ctrl+r run on the cases ({self.question.timeout:g} s limit, not recorded) · "
            "ctrl+n submit · ctrl+e $EDITOR · your code runs as you, on this machine",
            id="code-help",
        )
        yield self.error_label()
        yield Vertical(id="code-run")

    @property
    def source(self) -> str:
        """The code as it is in the editor."""
        return self.query_one(CodeEditor).text

    def _has_code(self) -> bool:
        if not self.source.strip():
            self.show_error("Write some code first.")
            return False
        return True

    def run_code(self) -> None:
        """Ask the screen to run the editor's code on the cases, unless it is empty."""
        if self._has_code():
            self.show_error("")
            self.post_message(self.RunRequested(self, self.source))

    def submit_code(self) -> None:
        """Submit the editor's code, unless it is empty."""
        if self._has_code():
            self.submit(self.source)

    async def show_running(self, text: str) -> None:
        """Show that a run started (`text` says what it waits for)."""
        area = self.query_one("#code-run", Vertical)
        await area.remove_children()
        await area.mount(Static(text, id="code-run-status", markup=False))

    async def show_run(self, run: CodeRun | None, failure: str = "", detail: str = "") -> None:
        """Show a run's rows under the editor, after its one-line `detail`, without the
        solution; or why it failed (a SyntaxError or an import-time error with its line,
        once, in the error line)."""
        area = self.query_one("#code-run", Vertical)
        await area.remove_children()
        if run is None:
            self.show_error(failure)
            return
        self.show_error("")
        # A run is a try: the solution is for after a submission.
        await area.mount(
            Static(
                f"Run: {detail} (not recorded; ctrl+n submits)",
                id="code-run-detail",
                markup=False,
            ),
            CodeRunView(replace(run, solution=""), id="code-run-rows"),
        )

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
