"""The search box's query language, parsed into a structure the search backends share.

``parse_query`` never raises: whatever is not valid syntax is searched as literal words,
and anything reinterpreted is explained in ``ParsedQuery.notes``.

- ``launch retro``: every word must match (each word is its own group);
- ``"a phrase"``: the words next to each other; an unclosed quote takes the rest of the input;
- ``a OR b``: either (uppercase ``OR`` only; ``AND`` is implicit and ignored);
- ``-word``, ``-"a phrase"``: entries containing them are left out;
- ``deploy*``: a single word as a prefix, of two letters or more;
- ``tag:work``, ``before:2026-01-01``, ``after:2025-12``, ``is:win``, ``is:starred``,
  ``is:reframe``: filters (keys and ``is:`` values in any case).

A term's ``text`` is for showing. The backends (:mod:`journal.fulltext.backends`) build
their match expressions from ``words_of(term.text)``, never from ``text`` itself: a term
of several words (``don't``, ``docker-compose``, a phrase) matches those words next to
each other, in order.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from journal.fulltext.terms import Term, words_of
from journal.fulltext.tokens import MIN_PREFIX
from journal.tags.names import InvalidTag, canonical_tag

QUOTES = '"\u201c\u201d\u201e'  # straight quotes, and the curly ones phones type
_TOKEN = re.compile(rf"(-?)[{QUOTES}]([^{QUOTES}]*)([{QUOTES}]?)|[^\s{QUOTES}]+")
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")  # control characters, lone surrogates
_FILTER = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", re.ASCII)
_IS_VALUES = {"win": "win", "wins": "win", "starred": "starred", "star": "starred",
              "reframe": "reframe", "reframes": "reframe"}
_OR_NOTE = "OR needs a word on each side, so it was ignored."


@dataclass(frozen=True)
class ParsedQuery:
    groups: tuple[tuple[Term, ...], ...]  # every group must match; any term of a group may
    excluded: tuple[Term, ...]
    tags: tuple[str, ...]  # canonical names; the caller adds their children
    before: date | None  # entries strictly before this local date
    after: date | None  # entries strictly after this local date
    is_win: bool = False
    is_starred: bool = False
    is_reframe: bool = False
    notes: tuple[str, ...] = ()  # for the user: what was reinterpreted and how

    @property
    def has_text(self) -> bool:
        """At least one group of words must match."""
        return bool(self.groups)

    @property
    def is_empty(self) -> bool:
        """Nothing to search for and nothing to filter by."""
        return not (self.groups or self.excluded or self.tags or self.before or self.after
                    or self.is_win or self.is_starred or self.is_reframe)


def _tokens(text: str):
    """``(text, quoted, negated, closed)`` for each whitespace-separated token; ``"…"``
    is one token whatever it holds, and an unclosed quote runs to the end of ``text``."""
    for match in _TOKEN.finditer(text):
        if match.group(2) is not None:
            yield " ".join(match.group(2).split()), True, bool(match.group(1)), bool(match.group(3))
        elif match.group(0) != "-":  # a lone - means nothing
            token = match.group(0)
            negated = token.startswith("-")
            yield token[1:] if negated else token, False, negated, True


def _word_term(raw: str, notes: list[str]) -> Term:
    """The term for an unquoted token; a trailing * makes a single word of two letters
    or more a prefix."""
    if not raw.endswith("*"):
        return Term(raw)
    stem = raw.rstrip("*")
    words = words_of(stem)
    if len(words) == 1 and len(words[0]) >= MIN_PREFIX:
        return Term(stem, prefix=True)
    if len(words) == 1:
        notes.append(f"The * in {raw} needs {MIN_PREFIX} letters or more before it, "
                     f"so {stem} was searched as a whole word.")
        return Term(stem)
    if words_of(stem):
        notes.append(f"The * in {raw} works on a single word only, so it was ignored.")
    return Term(stem)


def _date_bound(value: str, key: str) -> date | None:
    """The date ``before:value`` or ``after:value`` means, or None if it is not one.
    A month or year stands for its first day after ``before:`` and its last after ``after:``."""
    match = _DATE.fullmatch(value)
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if day is not None:
            return date(year, month, day)
        if key == "before":
            return date(year, month or 1, 1)
        month = month or 12
        return date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        return None


def parse_query(text: str, max_length: int = 1000) -> ParsedQuery:
    """Parse what was typed in the search box; never raises. Input longer than
    ``max_length`` is cut to it (with a note)."""
    notes: list[str] = []
    if len(text) > max_length:
        text = text[:max(max_length, 0)]
        notes.append(f"Only the first {max_length:,} characters were searched.")
    text = _UNSAFE.sub(" ", text)

    groups: list[list[Term]] = []
    excluded: list[Term] = []
    tags: list[str] = []
    flags: set[str] = set()
    bounds: dict[str, list[date]] = {"before": [], "after": []}
    joining = False  # an OR waits for the next term
    follows_term = False  # the last raw that counted was a positive term

    def add_term(term: Term) -> None:
        nonlocal joining, follows_term
        if not words_of(term.text):
            return  # *, ^, () and the like: as if never typed
        if joining:
            groups[-1].append(term)
        else:
            groups.append([term])
        joining, follows_term = False, True

    def not_a_term() -> None:
        nonlocal joining, follows_term
        if joining:
            notes.append(_OR_NOTE)
        joining = follows_term = False

    for raw, quoted, negated, closed in _tokens(text):
        if quoted and not closed and words_of(raw):
            notes.append("A quote was not closed, so everything after it was searched as a phrase.")
        if not (quoted or negated) and raw in ("OR", "AND"):
            if raw == "OR" and (joining or not follows_term):
                notes.append(_OR_NOTE)
            elif raw == "OR":
                joining = True
            continue
        match = None if quoted else _FILTER.fullmatch(raw)
        key, value = (match.group(1).lower(), match.group(2)) if match else ("", "")
        if key not in ("tag", "before", "after", "is"):
            term = Term(raw, phrase=True) if quoted else _word_term(raw, notes)
            if not negated:
                add_term(term)
            elif words_of(term.text):
                not_a_term()
                excluded.append(term)
            continue
        if negated:
            notes.append(f"-{raw} was ignored: only words can be left out.")
        elif not value:
            notes.append(f"{raw} needs a value, as in tag:work, before:2026-01-01 or is:win, "
                         "so it was ignored.")
        elif key == "tag":
            try:
                tags.append(canonical_tag(value))
            except InvalidTag as problem:
                notes.append(f"{raw} is not a tag name ({problem.reason.rstrip('.')}), "
                             "so it was searched as words.")
                add_term(Term(raw))
                continue
        elif key == "is":
            if value.casefold() not in _IS_VALUES:
                notes.append(f"{raw} is not one of is:win, is:starred or is:reframe, "
                             "so it was searched as words.")
                add_term(Term(raw))
                continue
            flags.add(_IS_VALUES[value.casefold()])
        else:
            bound = _date_bound(value, key)
            if bound is None:
                notes.append(f"{raw} is not a date, so it was searched as words.")
                add_term(Term(raw))
                continue
            bounds[key].append(bound)
        not_a_term()
    if joining:
        notes.append(_OR_NOTE)

    before = min(bounds["before"], default=None)
    after = max(bounds["after"], default=None)
    if before and after and (before - after).days < 2:
        notes.append(f"No day is both after {after} and before {before}, so nothing can match.")
    return ParsedQuery(
        groups=tuple(dict.fromkeys(tuple(dict.fromkeys(group)) for group in groups)),
        excluded=tuple(dict.fromkeys(excluded)),
        tags=tuple(dict.fromkeys(tags)),
        before=before,
        after=after,
        is_win="win" in flags,
        is_starred="starred" in flags,
        is_reframe="reframe" in flags,
        notes=tuple(dict.fromkeys(notes)),
    )
