"""`quizapp serve` under attack: foreign hosts, huge terminals, too many sessions, dead apps.

Each test drives the real server over real sockets (aiohttp's client speaks the websocket),
and looks at the app processes it started through /proc.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import signal
import sys
import time
from pathlib import Path

import aiohttp
import pytest
from serve_helpers import Served

from quizapp.web.origin import loopback_host_ok, origin_ok
from quizapp.web.session import MAX_HEIGHT, MAX_WIDTH, clamp_size

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")


def status(served: Served, path: str, headers: dict[str, str]) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response.status, response.read().decode()


async def first_frame(websocket: aiohttp.ClientWebSocketResponse) -> None:
    """Until the app has drawn something (it is up and sizing its screen)."""
    while True:
        message = await asyncio.wait_for(websocket.receive(), 60)
        if message.type == aiohttp.WSMsgType.BINARY:
            return
        assert message.type == aiohttp.WSMsgType.TEXT, message


async def closing(websocket: aiohttp.ClientWebSocketResponse) -> tuple[int | None, str]:
    """The close code and reason the server ends the websocket with (frames before skipped)."""
    while True:
        message = await asyncio.wait_for(websocket.receive(), 60)
        if message.type == aiohttp.WSMsgType.CLOSE:
            return websocket.close_code, str(message.extra or "")
        assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), message


def environment_of(pid: int) -> dict[str, str]:
    raw = (Path("/proc") / str(pid) / "environ").read_bytes()
    pairs = (entry.split(b"=", 1) for entry in raw.split(b"\0") if b"=" in entry)
    return {key.decode(): value.decode(errors="replace") for key, value in pairs}


def wait_until(condition: object, seconds: float = 30) -> None:
    assert callable(condition)
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.mark.parametrize(
    ("host", "ok"),
    [
        ("127.0.0.1:8000", True),
        ("localhost:8000", True),
        ("LOCALHOST:8000", True),
        ("[::1]:8000", True),
        ("127.0.0.1:9000", False),
        ("evil.example:8000", False),
        ("127.0.0.1.evil.example:8000", False),
        ("localhost.:8000", False),
        ("[::1:8000", False),
        ("", False),
    ],
)
def test_a_loopback_server_knows_its_own_host(host: str, ok: bool) -> None:
    assert loopback_host_ok(host, 8000) is ok


def test_origin_must_be_the_page_itself() -> None:
    assert origin_ok(None, "127.0.0.1:8000")
    assert origin_ok("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert not origin_ok("http://127.0.0.1:8001", "127.0.0.1:8000")
    assert not origin_ok("https://evil.example", "127.0.0.1:8000")
    assert not origin_ok("null", "127.0.0.1:8000")


def test_sizes_from_the_client_are_clamped() -> None:
    assert clamp_size("100000", "100000") == (MAX_WIDTH, MAX_HEIGHT)
    assert clamp_size(10**9, -5) == (MAX_WIDTH, 1)
    assert clamp_size("132", 50) == (132, 50)
    assert clamp_size(None, "tall") == (80, 24)
    assert clamp_size(1e9, True) == (80, 24)


def test_dns_rebinding_and_plain_ws_are_refused_without_tracebacks(quizapp_home: Path) -> None:
    served = Served([], quizapp_home)
    port = served.port
    try:
        # A rebinding page: same-origin as far as the browser knows, but the wrong Host.
        rebound = {"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"}
        code, body = status(served, "/", rebound)
        assert code == 403 and "not this server's address" in body
        upgrade = {
            **rebound,
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        }
        assert status(served, "/ws", upgrade)[0] == 403
        assert status(served, "/", {"Host": f"localhost:{port}"})[0] == 200
        code, body = status(served, "/ws", {})
        assert code == 400 and "websocket" in body
        assert served.app_processes() == []
    finally:
        served.stop()
    assert "Traceback" not in served.stderr()


def test_a_huge_terminal_is_clamped(quizapp_home: Path) -> None:
    served = Served([], quizapp_home)

    async def connect() -> dict[str, str]:
        async with aiohttp.ClientSession() as client:
            url = f"{served.url}ws?width=100000&height=100000"
            async with client.ws_connect(url) as websocket:
                await first_frame(websocket)
                await websocket.send_json(["resize", {"width": 10**9, "height": 10**9}])
                await websocket.send_str("not json")
                await websocket.send_json(["stdin", 42])
                (app,) = served.app_processes()
                await first_frame(websocket)  # still alive and drawing
                return environment_of(app)

    try:
        environment = asyncio.run(connect())
        assert (environment["COLUMNS"], environment["ROWS"]) == (str(MAX_WIDTH), str(MAX_HEIGHT))
    finally:
        served.stop()
    assert "Traceback" not in served.stderr()


def test_sessions_are_capped_and_the_page_says_full(quizapp_home: Path) -> None:
    served = Served(["--max-sessions", "1"], quizapp_home)

    async def two() -> tuple[int | None, str, int, str]:
        async with (
            aiohttp.ClientSession() as client,
            client.ws_connect(f"{served.url}ws") as first,
        ):
            await first_frame(first)
            page = await client.get(served.url)
            async with client.ws_connect(f"{served.url}ws") as second:
                code, reason = await closing(second)
            return code, reason, page.status, await page.text()

    try:
        code, reason, page_status, page = asyncio.run(two())
        assert code == 1013 and reason.startswith("quizapp is full: 1 sessions are open")
        assert page_status == 503 and "quizapp is full" in page
        assert len(served.app_processes()) <= 1
        # Once the first session is gone, its place is free again.
        wait_until(lambda: status(served, "/", {})[0] == 200)
        assert served.app_processes() == []
    finally:
        served.stop()


def test_a_session_whose_app_dies_is_closed_with_a_message(quizapp_home: Path) -> None:
    served = Served([], quizapp_home)

    async def kill_the_app() -> tuple[int | None, str]:
        async with (
            aiohttp.ClientSession() as client,
            client.ws_connect(f"{served.url}ws") as websocket,
        ):
            await first_frame(websocket)
            (app,) = served.app_processes()
            os.kill(app, signal.SIGKILL)
            return await closing(websocket)

    try:
        code, reason = asyncio.run(kill_the_app())
        assert code == 1011
        assert reason.startswith("The quizapp session ended: its app process stopped")
        # The server keeps serving.
        assert status(served, "/", {})[0] == 200
    finally:
        served.stop()
    assert "Traceback" not in served.stderr()
