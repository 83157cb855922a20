"""Who may talk to the server: the loopback test, and the `Host`/`Origin` checks.

A server on the loopback interface is reachable by this machine only, but any web page the
learner opens can still make the browser send requests to it. Two attacks follow, and each
has its check:

* a page on `evil.example` opens a websocket to `ws://127.0.0.1:8000/ws`: the browser says
  `Origin: https://evil.example`, which must name the address served;
* DNS rebinding: `evil.example` re-resolves to 127.0.0.1, so the page is same-origin with
  the server as far as the browser knows; only `Host: evil.example:8000` gives it away, so
  on loopback the `Host` must be a loopback address (or `localhost`) and the served port.

Off loopback the server does not know every name it is reached by (a LAN name, a proxy);
there the token guards every request, and the websocket's `Origin` must match its `Host`.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (`localhost`, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _split(netloc: str) -> tuple[str, int | None] | None:
    """(`host`, port or None) of `host[:port]` / `[v6][:port]`; None when malformed."""
    try:
        parts = urlsplit(f"//{netloc}")
        return (parts.hostname or "", parts.port)
    except ValueError:
        return None


def loopback_host_ok(host_header: str, port: int) -> bool:
    """On a loopback server: `Host` names a loopback address or `localhost`, and our port."""
    split = _split(host_header)
    if split is None:
        return False
    name, given_port = split
    return is_loopback(name) and (given_port or 80) == port


def origin_ok(origin: str | None, host_header: str) -> bool:
    """`Origin` (when the client sent one) is the page's own: the same host and port.

    Browsers always send `Origin` on a websocket and on cross-site requests; command-line
    tools may not, and they are not the attack.
    """
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == host_header.lower()
