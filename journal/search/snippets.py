"""A result's snippet: an excerpt of its text with the matched words highlighted."""

import re

from markupsafe import Markup, escape

from journal.fulltext.terms import searchable, words_of
from journal.search.query import ParsedQuery
from journal.summaries import plain_text

_WORD = re.compile(r"[^\W_]+")
SNIPPET_CHARS = 220
WINDOW_BEFORE = 400
WINDOW_AFTER = 800


def _wanted(parsed: ParsedQuery) -> tuple[set[str], tuple[str, ...]]:
    whole: set[str] = set()
    prefixes: list[str] = []
    for group in parsed.groups:
        for term in group:
            words = words_of(term.text)
            if term.prefix:
                whole.update(words[:-1])
                prefixes.append(words[-1])
            else:
                whole.update(words)
    return whole, tuple(prefixes)


def highlight(texts: list[str], parsed: ParsedQuery) -> Markup:
    """An escaped excerpt of the first of ``texts`` that shows a query word, with the
    matched words in ``<mark>``; the start of the first non-empty text when none does.
    The excerpt is plain text, as the rendered entry reads (no Markdown syntax, no
    link addresses, no tags ending a line). User text is always escaped: ``<mark>``
    is the only markup added."""
    whole, prefixes = _wanted(parsed)

    def matches(word: str) -> bool:
        folded = searchable(word)
        return folded in whole or (bool(prefixes) and folded.startswith(prefixes))

    for text in texts:
        if not text:
            continue
        found = next((m for m in _WORD.finditer(text) if matches(m.group())), None)
        if found is None:
            continue
        shown = plain_text(_around(text, found.start()))
        spans = [m.span() for m in _WORD.finditer(shown) if matches(m.group())]
        if spans:
            return _excerpt(shown, spans)
    first = next((text for text in texts if text and text.strip()), "")
    return _excerpt(plain_text(_around(first, 0)), [])


def _around(text: str, at: int) -> str:
    """The whole lines of ``text`` within a few hundred characters of ``at``: enough
    for a snippet, and little to read as Markdown however long the text is."""
    start = text.rfind("\n", 0, max(0, at - WINDOW_BEFORE)) + 1
    end = text.find("\n", at + WINDOW_AFTER)
    return text[start:] if end < 0 else text[start:end]


def _excerpt(text: str, spans: list[tuple[int, int]]) -> Markup:
    start = max(0, spans[0][0] - 60) if spans else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < spans[0][0] else start
    end = min(len(text), start + SNIPPET_CHARS)
    pieces = ["…" if start else ""]
    cursor = start
    for span_start, span_end in spans:
        if span_start < cursor or span_end > end:
            continue
        pieces.append(escape(text[cursor:span_start]))
        pieces.append(Markup("<mark>") + escape(text[span_start:span_end]) + Markup("</mark>"))
        cursor = span_end
    pieces.append(escape(text[cursor:end]))
    if end < len(text):
        pieces.append("…")
    joined = Markup("").join(escape(piece) if isinstance(piece, str) and
                             not isinstance(piece, Markup) else piece for piece in pieces)
    return Markup(" ".join(joined.split()))  # noqa: S704 - every piece was escaped above
