"""`quizapp serve` over plain HTTP: who gets in, without a browser."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
from pathlib import Path

import pytest
from serve_helpers import Served

from quizapp.commands.serve import app_command, child_environment
from quizapp.web.origin import is_loopback


def get(
    served: Served, path: str, headers: dict[str, str] | None = None
) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    return response


WEBSOCKET = {
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}


def test_off_localhost_a_token_is_generated_and_required(quizapp_home: Path) -> None:
    served = Served(["--host", "0.0.0.0"], quizapp_home)
    try:
        token = next(line for line in served.banner if line.startswith("token: "))[7:].strip()
        assert len(token) >= 16
        assert f"?token={token}" in served.banner[2]
        page = get(served, "/")
        assert page.status == 401
        assert get(served, "/?token=wrong").status == 401
        assert get(served, "/ws", WEBSOCKET).status == 401
        assert get(served, "/download/x").status == 401
        # The page's scripts load without the token: they hold nothing of the user's.
        assert get(served, "/static/js/textual.js").status == 200
        traded = get(served, f"/?token={token}")
        assert traded.status == 303 and traded.getheader("Location") == "/"
        cookie = traded.getheader("Set-Cookie") or ""
        assert f"quizapp_token={token}" in cookie and "HttpOnly" in cookie
        assert get(served, "/", {"Cookie": f"quizapp_token={token}"}).status == 200
    finally:
        served.stop()


def test_a_given_token_is_required_on_localhost_too(quizapp_home: Path) -> None:
    served = Served(["--token", "correct-horse"], quizapp_home)
    try:
        assert get(served, "/").status == 401
        assert get(served, "/", {"Cookie": "quizapp_token=correct-horse"}).status == 200
    finally:
        served.stop()


def test_localhost_needs_no_token_but_refuses_foreign_websockets(quizapp_home: Path) -> None:
    served = Served([], quizapp_home)
    try:
        assert len(served.banner) == 1
        assert get(served, "/").status == 200
        foreign = {**WEBSOCKET, "Origin": "https://evil.example"}
        assert get(served, "/ws", foreign).status == 403
    finally:
        served.stop()


def test_bad_options_are_one_line(quizapp_home: Path) -> None:
    def serve(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "quizapp", "serve", *args],
            capture_output=True,
            text=True,
            env={**os.environ, "QUIZAPP_HOME": str(quizapp_home)},
            timeout=60,
        )

    done = serve("--profile", "Bad Name")
    assert done.returncode == 2
    assert (
        done.stderr
        == "quizapp: error: --profile 'Bad Name': use lowercase letters, digits, - and _\n"
    )
    assert "at least 8 characters" in serve("--token", "short").stderr
    assert serve("--port", "0").returncode == 2


def test_a_port_in_use_is_a_one_line_error(quizapp_home: Path) -> None:
    served = Served([], quizapp_home)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "quizapp", "serve", "--port", str(served.port)],
            capture_output=True,
            text=True,
            env={**os.environ, "QUIZAPP_HOME": str(quizapp_home)},
            timeout=60,
        )
        assert done.returncode == 2
        assert done.stderr.startswith(f"quizapp: error: cannot listen on 127.0.0.1:{served.port}")
    finally:
        served.stop()


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("192.168.1.4", False),
        ("::", False),
        ("example.org", False),
    ],
)
def test_loopback(host: str, local: bool) -> None:
    assert is_loopback(host) is local


def test_the_app_runs_with_this_python_and_this_quizapp(
    quizapp_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", "/somewhere/else")
    command = app_command([Path("packs")])
    assert command.startswith(f"{sys.executable} -m quizapp --packs ")
    assert command.endswith(str(Path("packs").resolve()))
    environment = child_environment("alice")
    root = str(Path(__file__).resolve().parent.parent)
    assert environment["PYTHONPATH"].split(os.pathsep) == [root, "/somewhere/else"]
    assert environment["QUIZAPP_HOME"] == str(quizapp_home / "profiles" / "alice")
    assert "QUIZAPP_HOME" not in child_environment(None)
