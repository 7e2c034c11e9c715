"""Titles, excerpts and snippets in plain text, for lists, previews and search results.

People write Markdown with ``#tags``; a list shows what a reader of the rendered entry
sees: the lines of :func:`journal.rendering.plain_lines` (no ``*``, ``_``, backslash
escapes, heading marks or link addresses), with the tags dealt with first. Tags added
at the end of a line (``Shipped it. #work``) are left out, since the entry shows its
tags beside it; a tag inside a sentence keeps its word without the ``#`` ("moved the
launch." from "moved the #launch.").

Every card of a list page asks for a title and an excerpt, so only the head of a long
text is read for them, and results are cached by text (a text always gives the same
result, so the cache can never show one person another's words).
"""

import re
from functools import lru_cache

from journal.hashtags import find_inline_tags
from journal.rendering import plain_lines

TITLE_LENGTH = 80
UNTITLED = "Untitled entry"
# Enough of a text for its title and an excerpt, even with some markup in it.
HEAD_CHARS = 1200
CACHE_SIZE = 4096

# Between the tags of a run that ends a line (``#work, #q3``), and before it.
_TAIL = re.compile(r"[ \t\r,]*")
_BEFORE_TAIL = " \t,"


def without_tags(text: str) -> str:
    """``text`` with the run of ``#tags`` that ends a line left out, and the ``#`` of
    every other tag dropped: a tag inside a sentence (``on #launch.``, ``(#work)``)
    reads as a word. Tags in code are code, and stay."""
    cuts: list[tuple[int, int]] = []  # spans to drop, last first
    tails: dict[int, int | None] = {}  # line end -> start of its run of ending tags
    for start, end, _text in reversed(find_inline_tags(text)):
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        tail = tails.get(line_end, line_end)
        if tail is not None and _TAIL.fullmatch(text, end, tail):
            line_start = text.rfind("\n", 0, start) + 1
            cut = start
            while cut > line_start and text[cut - 1] in _BEFORE_TAIL:
                cut -= 1
            cuts.append((cut, tail))
            tails[line_end] = cut
        else:
            cuts.append((start, start + 1))
            tails[line_end] = None  # words follow: no earlier tag ends this line
    for start, stop in cuts:
        text = text[:start] + text[stop:]
    return text


def _head(text: str) -> str:
    """The start of ``text``, long enough for a title and an excerpt: cut at a line
    end in its second half when there is one, else at a space."""
    if len(text) <= HEAD_CHARS:
        return text
    cut = text.rfind("\n", HEAD_CHARS // 2, HEAD_CHARS)
    if cut < 0:
        cut = text.rfind(" ", HEAD_CHARS // 2, HEAD_CHARS)
    return text[:cut] if cut > 0 else text[:HEAD_CHARS]


def summary_lines(text: str) -> tuple[str, ...]:
    """The plain lines of the head of ``text``, tags dealt with."""
    return _plain_lines(_head(text))


@lru_cache(maxsize=CACHE_SIZE)
def _plain_lines(text: str) -> tuple[str, ...]:
    return tuple(plain_lines(without_tags(text)))


def plain_text(text: str) -> str:
    """``text`` as plain lines, tags dealt with. Cached: pass a bounded part of a long
    text (search snippets pass the lines around a match)."""
    return "\n".join(_plain_lines(text))


def display_title(title: str | None, body: str, happened: str | None = None) -> str:
    """The title, or the first line of the body as a reader sees it (of ``happened``,
    a reframe's "what happened", when the body shows nothing) standing in for it, cut
    to 80 characters; "Untitled entry" when there is no text at all."""
    if title:
        return title
    lines = summary_lines(body or "")
    if not lines and happened is not None:
        lines = summary_lines(happened)
    if not lines:
        return UNTITLED
    first = lines[0]
    return first if len(first) <= TITLE_LENGTH else first[:TITLE_LENGTH - 1].rstrip() + "…"


def excerpt(body: str | None, length: int = 180, skip_first_line: bool = False) -> str:
    """A plain-text taste of ``body``, cut at a word near ``length``. With
    ``skip_first_line`` the line that stands in for a missing title is left out."""
    lines = summary_lines(body or "")
    text = " ".join(lines[1:] if skip_first_line else lines)
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
