"""Turning a parsed query into each backend's match expression, and highlighting the
matched words in a result's text.

Every term is rebuilt from its words (letters and digits only), so nothing a user
types can reach the match syntax: quotes, brackets, operators and SQL are gone
before the expression is assembled.
"""

import re

from markupsafe import Markup, escape

from journal.search.query import ParsedQuery, Term, searchable, words_of
from journal.summaries import plain_text

FTS_COLUMNS = "{title body tags extra}"


# --- SQLite FTS5 ------------------------------------------------------------------------

def _fts_term(term: Term) -> str:
    phrase = '"' + " ".join(words_of(term.text)) + '"'
    return phrase + "*" if term.prefix else phrase


def _fts_any(terms) -> str:
    return "(" + " OR ".join(_fts_term(term) for term in terms) + ")"


def fts5_expression(parsed: ParsedQuery) -> str | None:
    """The MATCH expression for the positive part of the query (``None`` when there is
    none), excluding ``parsed.excluded``."""
    if not parsed.groups:
        return None
    expression = " AND ".join(_fts_any(group) for group in parsed.groups)
    if parsed.excluded:
        expression = f"({expression}) NOT {_fts_any(parsed.excluded)}"
    return f"{FTS_COLUMNS} : ({expression})"


def fts5_excluded_expression(parsed: ParsedQuery) -> str | None:
    """MATCH expression for entries that contain any excluded term."""
    if not parsed.excluded:
        return None
    return f"{FTS_COLUMNS} : {_fts_any(parsed.excluded)}"


# --- PostgreSQL tsquery -----------------------------------------------------------------

def _ts_term(term: Term) -> str:
    words = words_of(term.text)
    if term.prefix:
        words[-1] += ":*"
    return words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")"


def _ts_any(terms) -> str:
    return "(" + " | ".join(_ts_term(term) for term in terms) + ")"


def tsquery_expression(parsed: ParsedQuery) -> str | None:
    if not parsed.groups:
        return None
    expression = " & ".join(_ts_any(group) for group in parsed.groups)
    if parsed.excluded:
        expression += " & !" + _ts_any(parsed.excluded)
    return expression


def tsquery_excluded_expression(parsed: ParsedQuery) -> str | None:
    return _ts_any(parsed.excluded) if parsed.excluded else None


# --- highlighting -----------------------------------------------------------------------

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
