"""textual-serve's server with what a shared machine needs: a token, an origin check.

Each browser connection runs its own app process (textual-serve's model). Bound to the
loopback interface nobody else can reach it; bound anywhere else it asks for a token, which
the page's form turns into an HttpOnly cookie so the token does not linger in the URL bar.
The websocket also checks its `Origin`: browsers let any web page open a websocket to
localhost, and without that check a page on the internet could drive the learner's app.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import html
import ipaddress
import logging
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import textual_serve
from aiohttp import web
from textual_serve.server import Server, to_int

COOKIE = "quizapp_token"
_SHUTDOWN_SECONDS = 3.0
TEMPLATES = Path(__file__).parent / "templates"
STATICS = Path(textual_serve.__file__).parent / "static"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_TOKEN_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}: token</title>
<style>
body {{ background: #0c181f; color: #eee; font-family: menlo, monospace; display: flex;
       align-items: center; justify-content: center; height: 100vh; margin: 0; }}
form {{ background: #12232d; padding: 32px; }}
input {{ font: inherit; padding: 8px; width: 24em; }}
button {{ font: inherit; padding: 8px 24px; background: #5e0ba7; color: #fff; border: none; }}
.error {{ color: #ff7070; }}
</style></head>
<body><form method="get" action="/">
<p>{title} is shared on this network. Enter the token printed where it was started.</p>
{error}<p><input id="token" name="token" type="password" autofocus autocomplete="off">
<button type="submit">Open</button></p>
</form></body></html>
"""


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (`localhost`, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class QuizServer(Server):
    """A textual-serve server; with `token`, every page and the websocket require it.

    Args:
        command: The shell command that starts one app process (with the web driver).
        host: Interface to bind.
        port: Port to bind.
        token: Required from clients when set.
        title: Shown on the page.
    """

    def __init__(
        self, command: str, host: str, port: int, token: str | None, title: str = "quizapp"
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
        if request.path.startswith("/static/"):
            return await handler(request)
        if request.path == "/ws" and not _same_origin(request):
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
            error = '<p class="error">Wrong token.</p>' if given is not None else ""
            page = _TOKEN_PAGE.format(title=html.escape(self.title), error=error)
            return web.Response(text=page, content_type="text/html", status=401)
        raise web.HTTPUnauthorized(text="token required")

    async def handle_index(self, request: web.Request) -> web.Response:
        """The page, with URLs for the host the browser used (not the bind address)."""
        base = f"{request.scheme}://{request.host}"
        websocket = ("wss" if request.scheme == "https" else "ws") + f"://{request.host}"
        context: dict[str, Any] = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": websocket + str(request.app.router["websocket"].url_for()),
            "config": {"static": {"url": f"{base}/static/"}},
            "application": {"name": self.title},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)


def _same_origin(request: web.Request) -> bool:
    """A websocket opened by our own page (browsers always send Origin; tools may not)."""
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host
