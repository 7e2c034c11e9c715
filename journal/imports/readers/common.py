"""What the readers share: text decoding, times, typed reads from JSON objects, and
making foreign tags and titles fit the journal's rules.

Every function here raises :class:`ImportProblem` with a message for the person who
chose the file; none of them touches the database.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from datetime import UTC, datetime, tzinfo
from typing import Any

from journal.imports.readers.listed import is_list
from journal.imports.readers.quoting import kind_of, shown
from journal.tags.names import (
    MAX_TAG_LENGTH,
    MAX_TAGS_PER_ENTRY,
    InvalidTag,
    canonical_tag,
    is_tag_char,
)
from journal.transfer.document import ImportProblem

MAX_TITLE_LENGTH = 200

_NEWLINES = re.compile(r"\r\n?")


def decode_text(data: bytes, *, subject: str = "The file", entry: int | None = None,
                where: str | None = None) -> str:
    """``data`` as text with ``\\n`` line endings. A UTF-8 byte order mark is dropped.
    Raises ImportProblem naming ``subject`` when the bytes are not UTF-8 or hold a NUL
    character (which PostgreSQL cannot store)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportProblem(f"{subject} is not UTF-8 text (line {line} has bytes that are not "
                            "UTF-8); save it as UTF-8 and try again.",
                            entry=entry, where=where) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise ImportProblem(f"{subject} contains a NUL character (line {line}), which the "
                            "journal cannot store.", entry=entry, where=where)
    return normalise_newlines(text)


def normalise_newlines(text: str) -> str:
    return _NEWLINES.sub("\n", text)


def check_text(value: str, *, field: str) -> str:
    """``value`` unchanged; raises ValueError (a sentence) when it holds a NUL or a
    character that is not valid Unicode, which cannot be stored."""
    if "\x00" in value:
        raise ValueError(f"{field} contains a NUL character, which the journal cannot store.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{field} contains a character that is not valid Unicode.") from None
    return value


# --- times --------------------------------------------------------------------------


def parse_iso(value: str) -> datetime:
    """An ISO 8601 date and time (aware or naive); raises ValueError."""
    if len(value) > 64:
        raise ValueError(value)
    return datetime.fromisoformat(value.strip())


def as_utc(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` in UTC; a naive one is read as a local time in ``zone``. A local time
    skipped by a daylight-saving jump moves forward by the jump; a repeated one takes
    its first occurrence (both are what ``fold=0`` means). Raises ValueError for a
    time that falls outside the calendar once converted."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=zone, fold=0)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(moment.isoformat()) from None


# --- typed reads from a JSON object ---------------------------------------------------


class Record:
    """Typed reads from one JSON object. Every failure is an ImportProblem that names
    the record: ``entry``/``where`` for an entry, ``prefix`` for anything else
    ("Prompt 2 (p12): ...")."""

    def __init__(self, data: Any, *, entry: int | None = None, where: str | None = None,
                 prefix: str | None = None, noun: str = "the entry", path: str = ""):
        self.entry, self.where, self.prefix, self.path = entry, where, prefix, path
        if not isinstance(data, dict):
            raise self.problem(f"{noun} should be an object ({{...}}), not {kind_of(data)}.")
        self.data = data

    def name(self, key: str) -> str:
        """How a field is named in a message: 'part', or 'win.part' inside an object."""
        return f"'{self.path}.{key}'" if self.path else f"'{key}'"

    def within(self, key: str, data: Any) -> Record:
        """The object ``data`` found under ``key``, read with the same names."""
        return Record(data, entry=self.entry, where=self.where, prefix=self.prefix,
                      path=self.name(key).strip("'"))

    def problem(self, message: str) -> ImportProblem:
        if self.prefix:
            return ImportProblem(f"{self.prefix}: {message}")
        if self.entry is not None:
            return ImportProblem(message, entry=self.entry, where=self.where)
        return ImportProblem(message[:1].upper() + message[1:])

    def get(self, key: str, *, required: bool) -> Any:
        if key not in self.data:
            if required:
                raise self.problem(f"the field {self.name(key)} is missing.")
            return None
        return self.data[key]

    def text(self, key: str, *, required: bool = False, nullable: bool = False,
             default: str | None = "", max_length: int | None = None,
             non_empty: bool = False, newlines: bool = False) -> str | None:
        """A string field (``None`` allowed with ``nullable``); ``newlines`` turns CR
        and CRLF into LF."""
        value = self.get(key, required=required)
        if value is None:
            if key in self.data and not nullable:
                raise self.problem(f"{self.name(key)} should be text, not null.")
            return None if nullable else default
        if not isinstance(value, str):
            raise self.problem(f"{self.name(key)} should be text, not {kind_of(value)}.")
        try:
            check_text(value, field=self.name(key))
        except ValueError as error:
            raise self.problem(str(error)) from None
        if non_empty and not value.strip():
            raise self.problem(f"{self.name(key)} is empty.")
        if max_length is not None and len(value) > max_length:
            raise self.problem(f"{self.name(key)} is {len(value)} characters long; the "
                               f"journal keeps at most {max_length}.")
        return normalise_newlines(value) if newlines else value

    def boolean(self, key: str, *, default: bool = False) -> bool:
        value = self.get(key, required=False)
        if value is None and key not in self.data:
            return default
        if not isinstance(value, bool):
            raise self.problem(f"{self.name(key)} should be true or false, not {shown(value)}.")
        return value

    def belief(self, key: str) -> int | None:
        value = self.get(key, required=False)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
            raise self.problem(f"{self.name(key)} should be a whole number from 0 to 10, "
                               f"not {shown(value)}.")
        return value

    def moment(self, key: str, *, required: bool = False, nullable: bool = True,
               zone: tzinfo | None = None) -> datetime | None:
        """A time in UTC. Without ``zone`` the time must carry its offset; with it, a
        time without one is local to ``zone``."""
        value = self.get(key, required=required)
        if value is None:
            if key in self.data and not nullable:
                raise self.problem(f"{self.name(key)} should be a time, not null.")
            return None
        field = self.name(key)
        if not isinstance(value, str):
            raise self.problem(f"{field} should be a time written as text, not {kind_of(value)}.")
        written = f"the time '{shown(value)}' in {field}"
        try:
            moment = parse_iso(value)
        except ValueError:
            raise self.problem(f"{written} is not a time like 2024-01-05T13:30:00Z.") from None
        if zone is None and moment.utcoffset() is None:
            raise self.problem(f"{written} has no time zone; end it with Z for UTC.")
        try:
            return as_utc(moment, zone or UTC)
        except ValueError:
            raise self.problem(f"{written} is out of range.") from None

    def items(self, key: str, *, required: bool = False) -> list:
        value = self.get(key, required=required)
        if value is None and key not in self.data:
            return []
        if not is_list(value):
            raise self.problem(f"{self.name(key)} should be a list, not {kind_of(value)}.")
        return value

    def texts(self, key: str) -> list[str]:
        """A list of text, such as tags; an empty list when the key is missing."""
        values = self.items(key)
        for value in values:
            if not isinstance(value, str):
                raise self.problem(f"{self.name(key)} should be a list of text, but it holds "
                                   f"{kind_of(value)}.")
        return values

    def mapping(self, key: str) -> dict | None:
        value = self.get(key, required=False)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.problem(f"{self.name(key)} should be an object or null, "
                               f"not {kind_of(value)}.")
        return value


# --- fitting foreign tags and titles ------------------------------------------------

_SPACES = re.compile(r"\s+")


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def _fit_char(char: str) -> str:
    """``char`` when its canonical form may be in a tag; otherwise the parts of that
    form that may, which is nothing for a comma, a quote or a control character."""
    folded = _folded(char)
    if all(is_tag_char(c) for c in folded):
        return char
    return "".join(c for c in folded if is_tag_char(c))


def _tidy(text: str) -> str:
    """``text`` with empty, ``.`` and ``..`` levels removed, no leading ``#`` or ``~``,
    cut to 64 characters."""
    levels = [level for level in text.split("/") if level not in ("", ".", "..")]
    text = "/".join(levels).lstrip("#~")
    text = text[:MAX_TAG_LENGTH]
    while text and len(_folded(text)) > MAX_TAG_LENGTH:
        text = text[:-1]
    return text.rstrip("/")


def fit_tag(raw: str) -> tuple[str, str] | None:
    """``(display, canonical)`` for a tag from another program, made to fit the journal's
    rules: a leading ``@`` or ``#`` dropped, whitespace runs become ``-``, commas,
    quotes and control characters dropped, stray ``/`` removed, cut to 64 characters.
    Every other symbol stays, so ``c``, ``c++`` and ``c#`` remain three tags. None when
    nothing is left."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if text[:1] in ("@", "#"):
        text = text[1:]
    text = _tidy("".join(_fit_char(c) for c in _SPACES.sub("-", text)))
    if not text:
        return None
    try:
        return text, canonical_tag(text)
    except InvalidTag:
        return None


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class Fitter:
    """Makes foreign tags and titles fit, counting each kind of change once for the
    notes the import preview shows (:attr:`ParsedJournal.notes`)."""

    def __init__(self) -> None:
        self.changed: list[tuple[str, str]] = []
        self.dropped: list[str] = []
        # canonical name -> the first tag of the file that became it, as written
        self._sources: dict[str, tuple[str, str]] = {}
        self._joined_keys: set[tuple[str, str]] = set()
        self.joined: list[tuple[str, str, str]] = []  # two source tags that became one
        self.overfull = 0
        self.long_titles = 0
        self.extra: list[str] = []

    def tags(self, raws: list[str]) -> list[str]:
        """The display forms of ``raws`` that fit, repeats (same canonical name) and
        anything past the 50th left out."""
        kept: dict[str, str] = {}
        for raw in raws:
            fitted = fit_tag(raw)
            if fitted is None:
                if raw.strip().lstrip("@#"):
                    self.dropped.append(raw)
                continue
            display, canonical = fitted
            typed = unicodedata.normalize("NFKC", raw).strip()
            if typed[:1] in ("@", "#"):
                typed = typed[1:]
            if display != typed:
                self.changed.append((raw, canonical))
            self._source(raw, typed, canonical)
            kept.setdefault(canonical, display)
        if len(kept) > MAX_TAGS_PER_ENTRY:
            self.overfull += 1
        return list(kept.values())[:MAX_TAGS_PER_ENTRY]

    def _source(self, raw: str, typed: str, canonical: str) -> None:
        """Remember which tag of the file became ``canonical``; another that differs
        other than in case (``a b`` after ``a-b``) is counted once for a note."""
        first, first_key = self._sources.setdefault(canonical, (raw, _folded(typed)))
        key = (canonical, _folded(typed))
        if key[1] != first_key and key not in self._joined_keys:
            self._joined_keys.add(key)
            self.joined.append((first, raw, canonical))

    def title(self, title: str | None, body: str) -> tuple[str | None, str]:
        """``(title, body)``: a title over 200 characters opens the body instead."""
        title = (title or "").strip() or None
        if title is not None and len(title) > MAX_TITLE_LENGTH:
            self.long_titles += 1
            return None, f"{title}\n\n{body}" if body.strip() else title
        return title, body

    def note(self, message: str) -> None:
        if message not in self.extra:
            self.extra.append(message)

    def notes(self) -> list[str]:
        notes = []
        if self.changed:
            raw, canonical = self.changed[0]
            notes.append(f"{_plural(len(self.changed), 'tag was', 'tags were')} changed to fit "
                         f"the journal's tag rules, e.g. '{shown(raw)}' became '{canonical}'.")
        if self.joined:
            first, other, canonical = self.joined[0]
            count = len(self.joined)
            notes.append(f"{_plural(count, 'pair of tags', 'pairs of tags')} that differ "
                         "only in spaces or in characters a tag cannot hold became "
                         f"{'one tag' if count == 1 else 'one tag each'}, e.g. "
                         f"'{shown(first)}' and '{shown(other)}' both became '{canonical}'.")
        if self.dropped:
            notes.append(f"{_plural(len(self.dropped), 'tag', 'tags')} with nothing a tag can "
                         f"hold {'was' if len(self.dropped) == 1 else 'were'} left out, e.g. "
                         f"'{shown(self.dropped[0])}'.")
        if self.overfull:
            notes.append(f"{_plural(self.overfull, 'entry has', 'entries have')} more than "
                         f"{MAX_TAGS_PER_ENTRY} tags; the first {MAX_TAGS_PER_ENTRY} were kept.")
        if self.long_titles:
            notes.append(f"{_plural(self.long_titles, 'title is', 'titles are')} longer than "
                         f"{MAX_TITLE_LENGTH} characters; each now opens its entry's text "
                         "instead.")
        return notes + self.extra
