"""A crash is one line (where the traceback went) and a non-zero exit, never a dump or 0."""

from __future__ import annotations

import asyncio
import contextlib
import io

import click
import pytest
from textual.app import ComposeResult
from textual.widgets import Static

from quizapp import cli
from quizapp.app_crash import CrashToLog
from quizapp.commands.terminal import finish
from quizapp.crashlog import CRASH_EXIT, crash_line, log_path


class Exploding(CrashToLog):
    def compose(self) -> ComposeResult:
        yield Static("hi")

    def on_mount(self) -> None:
        raise RuntimeError("boom \x1b[2J in the app")


def test_an_app_crash_is_one_line_a_log_and_status_1() -> None:
    app = Exploding()
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        asyncio.run(app.run_async(headless=True))
    assert app.return_code == CRASH_EXIT
    log = log_path().read_text()
    assert "Traceback" in log and "RuntimeError: boom" in log
    assert err.getvalue() == ""  # Textual's traceback dump is replaced...
    message = app.crash_message or ""  # ...by one line for the command to print
    assert message.startswith("quizapp: crashed (RuntimeError: boom")
    assert "\n" not in message and "[2J" in message and "\x1b" not in message
    assert str(log_path()) in message
    out = io.StringIO()
    with contextlib.redirect_stderr(out), pytest.raises(SystemExit) as done:
        finish(app)
    assert done.value.code == CRASH_EXIT and out.getvalue() == message + "\n"


def test_crash_line_is_one_safe_line(tmp_path: object) -> None:
    line = crash_line(ValueError("bad\n\x1b]0;x\x07 thing"), None)
    assert "\n" not in line and "\x1b" not in line and "\x07" not in line
    assert "ValueError" in line and "could not be written" in line


def test_a_command_crash_exits_1_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    @click.command()
    def explode() -> None:
        raise KeyError("surprise")

    monkeypatch.setitem(cli.COMMANDS, "explode", "study:stats")
    monkeypatch.setattr(cli.LazyGroup, "get_command", lambda self, ctx, name: explode)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as done:
        cli.main(["explode"])
    assert done.value.code == CRASH_EXIT
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and "crashed (KeyError: 'surprise')" in lines[0]
    assert str(log_path()) in lines[0]
    assert "KeyError: 'surprise'" in log_path().read_text()


def test_control_codes_never_reach_the_terminal_from_the_cli(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    @click.command()
    def shout() -> None:
        click.echo("answer: \x1b]0;TITLE\x07\x1b[2J\x1b[31mred\x9b")
        raise click.ClickException("bad \x1b[31m thing")

    monkeypatch.setattr(cli.LazyGroup, "get_command", lambda self, ctx, name: shout)
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        pytest.raises(SystemExit),
    ):
        cli.main(["shout"])
    for text in (out.getvalue(), err.getvalue()):
        assert not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in text)
    assert "red" in out.getvalue() and "thing" in err.getvalue()
