"""Markdown to safe HTML: markdown-it-py renders, nh3 sanitizes.

Raw HTML in the source is shown as text, never interpreted; links keep only the
http, https and mailto schemes; images are dropped (they would load from elsewhere).
"""

import nh3
from markdown_it import MarkdownIt

_markdown = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable("table")
    .enable("strikethrough")
)

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s",
    "blockquote", "ul", "ol", "li", "code", "pre", "a", "table", "thead", "tbody",
    "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str) -> str:
    """``html`` with everything but the allowed tags, attributes and URL schemes removed."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Safe HTML for a Markdown ``text``."""
    return sanitize_html(_markdown.render(text))


def plain_lines(text: str) -> list[str]:
    """The non-empty lines of Markdown ``text`` as a reader of the rendered page sees
    them, without Markdown syntax: emphasis marks, backslash escapes, heading, list and
    quote markers, link addresses and images are gone; link text, code and entities
    (``&amp;`` as ``&``) stay. A table row is one line, its cells joined by `` · ``.
    Parsed by the same parser as :func:`render_markdown`, so both agree on what the
    text says."""
    lines: list[str] = []
    row: list[str] | None = None
    for token in _markdown.parse(text):
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            lines.append(" · ".join(cell for cell in row if cell))
            row = None
        elif token.type == "inline":
            shown = _inline_text(token.children or [])
            if row is not None:
                row.append(" ".join(shown.split()))
            else:
                lines.extend(shown.split("\n"))
        elif token.type in ("fence", "code_block"):
            lines.extend(token.content.split("\n"))
    return [folded for line in lines if (folded := " ".join(line.split()))]


def _inline_text(children) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)
