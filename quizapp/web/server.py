"""textual-serve's server with what a shared machine needs: a token, origin checks, a cap.

Each browser connection runs its own app process (textual-serve's model; `session.py` runs
one within bounds). Bound to the loopback interface nobody else can reach it, and the
`Host` and `Origin` of every request must name the address served (`origin.py` says why);
bound anywhere else it asks for a token, which the page's form turns into an HttpOnly
cookie so the token does not linger in the URL bar. At most `max_sessions` app processes
run at once: past that the page says the server is full.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import textual_serve
from aiohttp import web
from textual_serve.server import Server, to_int

from quizapp.web.origin import is_loopback, loopback_host_ok, origin_ok
from quizapp.web.pages import full_page, token_page
from quizapp.web.session import Sessions

COOKIE = "quizapp_token"
_SHUTDOWN_SECONDS = 3.0
TEMPLATES = Path(__file__).parent / "templates"
STATICS = Path(textual_serve.__file__).parent / "static"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class QuizServer(Server):
    """A textual-serve server; with `token`, every page and the websocket require it.

    Args:
        command: The shell command that starts one app process (with the web driver).
        host: Interface to bind.
        port: Port to bind.
        token: Required from clients when set.
        max_sessions: How many app processes may run at once.
        title: Shown on the page.
    """

    def __init__(
        self,
        command: str,
        host: str,
        port: int,
        token: str | None,
        max_sessions: int,
        title: str = "quizapp",
    ) -> None:
        super().__init__(
            command,
            host=host,
            port=port,
            title=title,
            templates_path=TEMPLATES,
            statics_path=STATICS,
        )
        self.token = token
        self.loopback = is_loopback(host)
        self.sessions = Sessions(command, max_sessions, self.download_manager)

    def initialize_logging(self) -> None:
        # textual-serve logs every connection with rich tracebacks; one line each is plenty.
        logging.basicConfig(level=logging.WARNING, format="%(message)s")

    async def on_startup(self, app: web.Application) -> None:
        """Quiet: the `serve` command has already said where to connect."""

    def serve(self, debug: bool = False) -> None:
        """Run until ctrl+c or SIGTERM; open sessions get a few seconds to quit, not 60."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):  # Windows has no signal handlers
                loop.add_signal_handler(signal_number, self.request_exit)
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            handle_signals=False,
            loop=loop,
            print=None,
            shutdown_timeout=_SHUTDOWN_SECONDS,
        )

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._guard)
        return app

    def _token_ok(self, given: str | None) -> bool:
        if self.token is None:
            return True
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.loopback and not loopback_host_ok(request.host, self.port):
            # DNS rebinding: a foreign name that resolved to this machine.
            raise web.HTTPForbidden(text=f"Host {request.host!r} is not this server's address")
        if request.path.startswith("/static/"):
            return await handler(request)
        if request.path == "/ws" and not origin_ok(request.headers.get("Origin"), request.host):
            raise web.HTTPForbidden(text="cross-origin websocket refused")
        if self.token is None or self._token_ok(request.cookies.get(COOKIE)):
            return await handler(request)
        given = request.query.get("token")
        if request.path == "/" and given is not None and self._token_ok(given):
            # Trade the token in the URL for a cookie, then reload without it.
            query = {k: v for k, v in request.query.items() if k != "token"}
            location = request.rel_url.with_query(query)
            response = web.HTTPSeeOther(location=str(location))
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict")
            raise response
        if request.path == "/":
            page = token_page(self.title, wrong=given is not None)
            return web.Response(text=page, content_type="text/html", status=401)
        raise web.HTTPUnauthorized(text="token required")

    async def handle_index(self, request: web.Request) -> web.Response:
        """The page, with URLs for the host the browser used (not the bind address)."""
        if self.sessions.full:
            page = full_page(self.title, self.sessions.full_message())
            return web.Response(text=page, content_type="text/html", status=503)
        base = f"{request.scheme}://{request.host}"
        websocket = ("wss" if request.scheme == "https" else "ws") + f"://{request.host}"
        context: dict[str, Any] = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": websocket + str(request.app.router["websocket"].url_for()),
            "config": {"static": {"url": f"{base}/static/"}},
            "application": {"name": self.title},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """The terminal's websocket: one bounded session (see `session.py`)."""
        return await self.sessions.handle(request)
