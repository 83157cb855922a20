"""The two small pages the server answers with instead of the app: the token form, "full"."""

from __future__ import annotations

import html

_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ background: #0c181f; color: #eee; font-family: menlo, monospace; display: flex;
       align-items: center; justify-content: center; height: 100vh; margin: 0; }}
form, .box {{ background: #12232d; padding: 32px; max-width: 40em; }}
input {{ font: inherit; padding: 8px; width: 24em; }}
button {{ font: inherit; padding: 8px 24px; background: #5e0ba7; color: #fff; border: none; }}
.error {{ color: #ff7070; }}
</style></head>
<body>{body}</body></html>
"""

_TOKEN_FORM = """<form method="get" action="/">
<p>{title} is shared on this network. Enter the token printed where it was started.</p>
{error}<p><input id="token" name="token" type="password" autofocus autocomplete="off">
<button type="submit">Open</button></p>
</form>"""


def token_page(title: str, wrong: bool) -> str:
    """The form that asks for the token (`wrong`: the last one given was not it)."""
    shown = html.escape(title)
    error = '<p class="error">Wrong token.</p>' if wrong else ""
    body = _TOKEN_FORM.format(title=shown, error=error)
    return _PAGE.format(title=f"{shown}: token", body=body)


def full_page(title: str, message: str) -> str:
    """The page of a server already running as many sessions as it allows."""
    body = f'<div class="box"><p>{html.escape(message)}</p></div>'
    return _PAGE.format(title=f"{html.escape(title)}: full", body=body)
