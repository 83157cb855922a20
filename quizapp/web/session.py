"""One browser session: a websocket driving its own app process, within bounds.

textual-serve's own handler trusts the client: the terminal size it asks for is used as
is (`/ws?width=100000&height=100000` grew one app process to 4.3 GB), a malformed message
ends in a traceback, a plain `GET /ws` logs two, and when the app process dies the
websocket stays open on a dead terminal. This handler clamps every size, ignores what it
cannot parse, answers a non-websocket request with 400, counts sessions against a cap,
and closes the websocket with a reason the page shows once the app process has ended.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from quizapp.oneline import describe_exception

log = logging.getLogger("quizapp.web")

#: Terminal sizes a browser may ask for, in cells: a 4K screen at a small font is about
#: 500×150; beyond that a size only costs the app memory (every cell is an object).
MAX_WIDTH = 500
MAX_HEIGHT = 200
_MIN_SIZE = 1
#: How long a session's app process gets to quit once its websocket is gone.
_QUIT_SECONDS = 5.0


def clamp_size(width: object, height: object) -> tuple[int, int]:
    """The terminal size to use for what the client sent (any JSON or query value)."""
    return _clamp(width, 80, MAX_WIDTH), _clamp(height, 24, MAX_HEIGHT)


def _clamp(value: object, default: int, most: int) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, str):
        try:
            value = int(value)
        except ValueError:
            return default
    if not isinstance(value, int):
        return default
    return max(_MIN_SIZE, min(value, most))


class Sessions:
    """The open sessions of one server, at most `limit` at a time."""

    def __init__(self, command: str, limit: int, download_manager: DownloadManager) -> None:
        self.command = command
        self.limit = limit
        self.open = 0
        self.download_manager = download_manager

    @property
    def full(self) -> bool:
        """True when a new session would go over the cap."""
        return self.open >= self.limit

    def full_message(self) -> str:
        """What a learner turned away reads (short: it is also a websocket close reason)."""
        return f"quizapp is full: {self.limit} sessions are open. Close a tab or try later."

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """The `/ws` endpoint: one app process for as long as the websocket lives."""
        websocket = web.WebSocketResponse(heartbeat=15)
        if not websocket.can_prepare(request).ok:
            raise web.HTTPBadRequest(text="/ws takes a websocket (the page opens it)")
        width, height = clamp_size(request.query.get("width"), request.query.get("height"))
        if self.full:
            await websocket.prepare(request)
            await _close(websocket, WSCloseCode.TRY_AGAIN_LATER, self.full_message())
            return websocket
        self.open += 1  # before any await: two connections cannot both take the last place
        try:
            await websocket.prepare(request)
            await self._run(websocket, width, height)
        finally:
            self.open -= 1
        return websocket

    async def _run(self, websocket: web.WebSocketResponse, width: int, height: int) -> None:
        async def close() -> None:  # the app asked to exit: a normal close
            await websocket.close()

        service = AppService(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close,
            download_manager=self.download_manager,
        )
        try:
            await service.start(width, height)
        except OSError as error:
            await _close(websocket, WSCloseCode.INTERNAL_ERROR, _failed(error))
            return
        app_task = service._task  # the task reading the app's output; done once it exits
        assert app_task is not None
        messages = asyncio.ensure_future(_forward(websocket, service))
        try:
            await asyncio.wait({messages, app_task}, return_when=asyncio.FIRST_COMPLETED)
            if app_task.done() and not websocket.closed:
                await _close(websocket, WSCloseCode.INTERNAL_ERROR, await _ended(service))
        finally:
            messages.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await messages
            await _stop(service)


async def _forward(websocket: web.WebSocketResponse, service: AppService) -> None:
    """Pass the browser's keys, sizes and focus to the app; answer pings."""
    async for message in websocket:
        if message.type != WSMsgType.TEXT:
            continue
        try:
            envelope = json.loads(message.data)
        except ValueError:
            continue  # not ours to crash on: a well-behaved page never sends it
        if not isinstance(envelope, list) or not envelope:
            continue
        kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
        if kind == "stdin" and isinstance(data, str):
            await service.send_bytes(data.encode("utf-8"))
        elif kind == "resize" and isinstance(data, dict):
            await service.set_terminal_size(*clamp_size(data.get("width"), data.get("height")))
        elif kind == "ping":
            await websocket.send_json(["pong", data])
        elif kind == "blur":
            await service.blur()
        elif kind == "focus":
            await service.focus()


async def _ended(service: AppService) -> str:
    """Why the session is over, once the app process has closed its output."""
    process = service._process
    code = None
    if process is not None:
        with contextlib.suppress(TimeoutError):
            code = await asyncio.wait_for(process.wait(), _QUIT_SECONDS)
    status = "" if code is None else f" (exit status {code})"
    return f"The quizapp session ended: its app process stopped{status}. Reload to start again."


async def _stop(service: AppService) -> None:
    """Ask the app to quit; kill it if it has not within a few seconds."""
    process = service._process
    try:
        await asyncio.wait_for(service.stop(), _QUIT_SECONDS)
    except TimeoutError:
        log.warning("a session's app process did not quit; killing it")
    if process is not None and process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()


async def _close(websocket: web.WebSocketResponse, code: int, reason: str) -> None:
    # A close reason is at most 123 bytes (RFC 6455, 5.5); the page shows it.
    encoded = reason.encode("utf-8")[:123].decode("utf-8", "ignore").encode("utf-8")
    await websocket.close(code=code, message=encoded)


def _failed(error: OSError) -> str:
    return f"quizapp could not start a session: {describe_exception(error)}"
