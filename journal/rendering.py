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
