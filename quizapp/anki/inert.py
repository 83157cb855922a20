"""Pack text made inert for Anki: nothing on a card fetches, plays or typesets by itself.

A card is HTML that Anki renders on every review, so two kinds of pack text act there:

* a remote URL: a Markdown image becomes `<img src="https://…">`, fetched on review (it
  tells a server when and where the learner studies). Images are shown as their alt text,
  and links as their text with the address beside it as plain text: no element of a card
  refers to anything outside it;
* Anki's own syntax in a field: `[sound:x.mp3]` plays a media file, `[latex]…[/latex]` and
  `[$]…[/$]` run LaTeX, `{{c1::…}}` makes a cloze. Every bracket and brace of the finished
  HTML becomes a character reference, so Anki sees text where the pack wrote text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

# Anki scans a field's HTML for these characters; the browser shows the references as is.
_ANKI_SYNTAX = str.maketrans({"[": "&#91;", "]": "&#93;", "{": "&#123;", "}": "&#125;"})


def _image(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    alt = renderer.renderInlineAsText(tokens[idx].children or [], options, env)
    return html.escape(f"[image: {alt}]" if alt else "[image]")


def _link_open(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return ""


def _link_close(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # The matching link_open is the nearest one before: links do not nest in CommonMark.
    start = max(i for i in range(idx) if tokens[i].type == "link_open")
    href = str(tokens[start].attrGet("href") or "")
    text = "".join(t.content for t in tokens[start + 1 : idx])
    return "" if href in (text, f"mailto:{text}") else html.escape(f" ({href})")


def _renderer() -> MarkdownIt:
    markdown = MarkdownIt("commonmark", {"html": False})
    rules: dict[str, Any] = {"image": _image, "link_open": _link_open, "link_close": _link_close}
    for name, rule in rules.items():
        markdown.add_render_rule(name, rule)
    return markdown


_markdown = _renderer()


def markdown(text: str) -> str:
    """Pack Markdown as inert HTML: raw HTML escaped, no image, no link element."""
    return inert(_markdown.render(text).strip()) if text.strip() else ""


def inert(card_html: str) -> str:
    """`card_html` with Anki's bracket and brace syntax turned into plain characters."""
    return card_html.translate(_ANKI_SYNTAX)
