"""Tag names: canonical form, validation, and the ``#tags`` written inline in a body
(where they are is :mod:`journal.hashtags`; what they name is decided here).

A canonical tag name is NFKC-normalized and case-folded, at most 64 characters. It
keeps the symbols people name things with (``c++``, ``c#``, ``.net``, ``node.js``,
``r&d``), so tags that differ only in them stay apart. It holds no whitespace, no
``,`` (which separates tags in the tag field), no double quotes (which quote words in
search) and no invisible control characters. ``/`` separates levels (``work/launch``
is a child of ``work``), so it may not start or end a name or appear twice in a row,
and no level is ``.`` or ``..`` (which a browser would resolve away in the tag's
address). A name does not start with ``#`` (the sign of a tag, dropped when typed)
or ``~`` (which starts the tag pages' own addresses).
"""

import unicodedata
from collections.abc import Iterable

from journal.hashtags import find_inline_tags

MAX_TAG_LENGTH = 64
MAX_TAGS_PER_ENTRY = 50

# Characters no tag holds, apart from whitespace and invisible ones.
_FORBIDDEN = frozenset(',"\u201c\u201d\u201e')
_JOINER = "\u200d"  # joins emoji into one picture, so it is kept


class InvalidTag(ValueError):
    """A tag that cannot be stored; ``str()`` is a message for the user naming it."""

    def __init__(self, raw: str, reason: str):
        self.raw = raw
        self.reason = reason
        super().__init__(f"“{raw}” is not a valid tag: {reason}")


def canonical_tag(raw: str) -> str:
    """The canonical form of ``raw``; raises :class:`InvalidTag` saying why when there is none.

    Idempotent: ``canonical_tag(canonical_tag(x)) == canonical_tag(x)``.
    """
    name = unicodedata.normalize("NFKC", raw).casefold().strip()
    # Case folding can produce characters that NFKC composes differently (e.g. "ẞ").
    name = unicodedata.normalize("NFKC", name)
    if name.startswith("#"):
        name = name[1:]
    if not name:
        raise InvalidTag(raw, "it is empty.")
    if len(name) > MAX_TAG_LENGTH:
        raise InvalidTag(raw, f"use at most {MAX_TAG_LENGTH} characters.")
    for char in name:
        problem = _char_problem(char)
        if problem:
            raise InvalidTag(raw, problem)
    if name.startswith("/") or name.endswith("/") or "//" in name:
        raise InvalidTag(raw, "“/” separates levels, as in work/launch, so it cannot start, "
                              "end or repeat.")
    if any(level in (".", "..") for level in name.split("/")):
        raise InvalidTag(raw, "a level of a tag cannot be “.” or “..”.")
    if name.startswith(("#", "~")):
        raise InvalidTag(raw, f"it cannot start with “{name[0]}”.")
    return name


def is_tag_char(char: str) -> bool:
    """Whether a tag may hold ``char`` (``/`` included, as the level separator)."""
    return _char_problem(char) is None


def _char_problem(char: str) -> str | None:
    if char.isspace():
        return "it contains a space; join words with - or _."
    if char == ",":
        return "it contains “,”, which separates tags."
    if char in _FORBIDDEN:
        return f"it contains “{char}”; a tag cannot hold quotation marks."
    if unicodedata.category(char).startswith("C") and char != _JOINER:
        return "it contains an invisible control character."
    return None


def display_form(raw: str) -> str:
    """How to show a tag the way it was typed (normalized, without a leading ``#``)."""
    return unicodedata.normalize("NFKC", raw).strip().removeprefix("#")


def parse_tag_field(text: str) -> tuple[list[tuple[str, str]], list[InvalidTag]]:
    """Split a comma-separated tag field into ``(canonical, display)`` pairs (first
    occurrence wins, order kept) and the invalid ones."""
    tags: dict[str, str] = {}
    problems: list[InvalidTag] = []
    for piece in (text or "").split(","):
        piece = piece.strip()
        if not piece:
            continue
        try:
            name = canonical_tag(piece)
        except InvalidTag as problem:
            problems.append(problem)
            continue
        tags.setdefault(name, display_form(piece))
    return list(tags.items()), problems


def ancestors(name: str) -> list[str]:
    """``work/launch/q3`` -> ``["work", "work/launch"]``."""
    parts = name.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def merge_tag_lists(*lists: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    merged: dict[str, str] = {}
    for pairs in lists:
        for name, shown in pairs:
            merged.setdefault(name, shown)
    return list(merged.items())


# --- inline #tags (found by journal.hashtags) ------------------------------------


def inline_tags(body: str) -> list[tuple[str, str]]:
    """``(canonical, display)`` pairs for the valid inline tags of ``body``. Inline text
    that is not a valid tag (too long, say) is simply not a tag: it stays prose."""
    pairs = []
    for _start, _end, text in find_inline_tags(body):
        try:
            pairs.append((canonical_tag(text), display_form(text)))
        except InvalidTag:
            continue
    return merge_tag_lists(pairs)


def rename_inline_tags(body: str, old: str, new: str | None, *, exact: bool = False) -> str:
    """``body`` with every inline ``#old`` (and ``#old/child``) rewritten to ``#new``
    (``#new/child``); code is left alone. With ``new=None`` the ``#`` is dropped and the
    word stays; with ``exact`` children are left alone."""
    pieces = []
    cursor = 0
    for start, end, text in find_inline_tags(body):
        try:
            name = canonical_tag(text)
        except InvalidTag:
            continue
        if name == old or (not exact and name.startswith(old + "/")):
            pieces.append(body[cursor:start])
            if new is None:
                pieces.append(text)
            elif name == old:
                pieces.append("#" + new)
            else:  # keep the child levels as they were typed
                child = text.split("/", old.count("/") + 1)[-1]
                pieces.append(f"#{new}/{child}")
            cursor = end
    pieces.append(body[cursor:])
    return "".join(pieces)
