"""A zip of Markdown files, one entry per file: our own Markdown export
(``journal.transfer.markdown_layout``) and files written by other programs.

Front matter is optional. Its keys (any case) are ``date`` (or ``created``),
``updated``, ``title``, ``tags`` (a list or a comma-separated string), ``starred``,
``kind``, ``prompt``, ``win``, ``win_part``, ``belief_before`` and ``belief_after``;
others are ignored. A file without a date in its front matter takes it from a name
that starts with ``YYYY-MM-DD`` (optionally ``-HHMM``). A file with no front matter at
all may open with a ``# Heading``, which becomes its title. Otherwise the file's name
is its title, as in a notes app such as Obsidian, unless the name is only a date or
the file comes from our own export (its front matter has ``kind``). Dates without an
offset are local to the zone the import is given. Only ``.md``, ``.markdown`` and ``.txt``
files are read; ``README.md`` at the top, ``__MACOSX/`` and dotfiles are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, tzinfo
from typing import Any

import yaml

from journal.imports.readers.archive import (
    DEFAULT_LIMITS,
    ZipLimits,
    is_hidden,
    iter_members,
    list_names,
)
from journal.imports.readers.common import (
    Fitter,
    as_utc,
    check_text,
    decode_text,
    parse_iso,
)
from journal.imports.readers.quoting import shown
from journal.models.entries import REFRAME
from journal.transfer.document import (
    ImportedEntry,
    ImportedPromptRef,
    ImportedReframe,
    ImportProblem,
    ParsedJournal,
)
from journal.transfer.markdown_layout import (
    FRONT_MATTER_FENCE,
    REFRAME_BODY_HEADING,
    REFRAME_HEADINGS,
)

EXTENSIONS = (".md", ".markdown", ".txt")
MAX_FRONT_MATTER = 64 * 1024

# yaml.safe_load's loader, with libyaml's parser when PyYAML was built with it (several
# times faster on a zip of thousands of files); both build only plain Python values.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_NAME_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:-(\d{2})(\d{2})(?!\d))?")
# A date as notes apps and templates write it: "2018-01-02 18:58:49 Tuesday",
# "Tuesday, 2018-01-02", "2018-01-02 18:58"; the weekday is not checked.
_WEEKDAY = (r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
            r"|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.?")
_LOOSE_DATE = re.compile(
    rf"(?:{_WEEKDAY},?\s+)?(\d{{4}})-(\d{{2}})-(\d{{2}})"
    r"(?:(?:\s+|T)(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
    rf"(?:,?\s+{_WEEKDAY})?", re.IGNORECASE)
_ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d")
_HEADING = re.compile(r"##[ \t]+(.+?)[ \t]*#*[ \t]*")
_TITLE = re.compile(r"#[ \t]+(.+?)[ \t]*#*[ \t]*")
_FIELD_ORDER = list(REFRAME_HEADINGS)
_FIELD_BY_HEADING = {heading: field for field, heading in REFRAME_HEADINGS.items()}


def is_markdown_member(name: str) -> bool:
    """A file of the zip that holds an entry."""
    if is_hidden(name) or not name.lower().endswith(EXTENSIONS):
        return False
    return name.lower() != "readme.md"


def read_zip(data: bytes, zone: tzinfo, *, limits: ZipLimits = DEFAULT_LIMITS) -> ParsedJournal:
    """The entries of a zip of Markdown files, oldest first; files without a date of
    their own in :attr:`ParsedJournal.undated`, dated by when the zip says they were
    last changed. Raises ImportProblem for an unsafe archive, a zip without Markdown
    files, or the first file that is wrong."""
    if not any(is_markdown_member(name) for name in list_names(data, limits=limits)):
        raise ImportProblem("The zip holds no Markdown files (.md, .markdown or .txt).")
    members = iter_members(data, keep=is_markdown_member, limits=limits, by_name=True)
    return _read_sorted(((member.name, member.data, member.modified) for member in members),
                        zone)


def read_files(files: list[tuple[str, bytes]], zone: tzinfo, *,
               modified: dict[str, datetime | None] | None = None) -> ParsedJournal:
    """One entry per ``(name, bytes)`` file, sorted by date (then name) and numbered
    in that order. A file without a date of its own goes to ``undated``, dated by its
    ``modified`` time (local to ``zone``), numbered after the others in name order; a
    problem names the file, its entry number counting the files in name order. Raises
    ImportProblem for a file without a date when ``modified`` does not know the file."""
    return _read_sorted(((name, data, (modified or {}).get(name))
                         for name, data in sorted(files)), zone)


def _read_sorted(files: Iterable[tuple[str, bytes, datetime | None]],
                 zone: tzinfo) -> ParsedJournal:
    """:func:`read_files` for files already in name order, read one at a time."""
    fitter = Fitter()
    dated, undated = [], []
    for position, (name, data, modified) in enumerate(files, start=1):
        file = _File(name, position, zone, modified)
        entry, has_date = _entry(file, data, fitter)
        (dated if has_date else undated).append(entry)
    dated.sort(key=lambda entry: (entry.created_at, entry.source))
    for position, entry in enumerate(dated + undated, start=1):
        entry.position = position
    return ParsedJournal(format="markdown", entries=dated, undated=undated,
                         notes=fitter.notes())


class _File:
    """One file being read, for messages that name it."""

    def __init__(self, name: str, position: int, zone: tzinfo, modified: datetime | None):
        self.name, self.position, self.zone, self.modified = name, position, zone, modified

    def problem(self, message: str) -> ImportProblem:
        return ImportProblem(message, entry=self.position, where=self.name)


def _entry(file: _File, data: bytes, fitter: Fitter) -> tuple[ImportedEntry, bool]:
    """The file's entry, and whether the file dates it (else its modification time does)."""
    text = decode_text(data, subject="the file", entry=file.position, where=file.name)
    meta, body, has_front_matter = _front_matter(file, text)
    created = _moment(file, meta, "date") or _moment(file, meta, "created")
    if created is None:
        created, body = _first_line_date(file, body)
    title = _scalar(file, meta, "title")
    if not has_front_matter:
        title, body = _heading_title(body)
    if title is None and "kind" not in meta:
        title = _name_title(file)
    created = created or _name_date(file)
    has_date = created is not None
    if created is None:
        created = _modified(file)
    entry = ImportedEntry(created_at=created, updated_at=_moment(file, meta, "updated"),
                          starred=_flag(file, meta, "starred"), position=file.position,
                          source=file.name)
    entry.tags = fitter.tags(_tags(file, meta.get("tags")))
    kind = (_scalar(file, meta, "kind") or "note").strip().lower()
    if kind not in ("note", REFRAME):
        raise file.problem(f"'kind' should be note or reframe, not '{kind[:40]}'.")
    if kind == REFRAME:
        entry.reframe, body = _split_reframe(body)
        entry.reframe.belief_before = _belief(file, meta, "belief_before")
        entry.reframe.belief_after = _belief(file, meta, "belief_after")
    entry.title, entry.body = fitter.title(title, body)
    prompt = _scalar(file, meta, "prompt")
    if prompt and prompt.strip():
        entry.prompt = ImportedPromptRef(text=prompt)
    entry.is_win = _flag(file, meta, "win")
    entry.win_part = _scalar(file, meta, "win_part") if entry.is_win else None
    return entry, has_date


def _front_matter(file: _File, text: str) -> tuple[dict, str, bool]:
    """``(keys, body, whether there was front matter)``."""
    lines = text.split("\n")
    if lines[0].rstrip() != FRONT_MATTER_FENCE:
        return {}, text.strip("\n"), False
    end = next((index for index, line in enumerate(lines[1:], start=1)
                if line.rstrip() in (FRONT_MATTER_FENCE, "...")), None)
    if end is None:
        raise file.problem("the front matter that starts with '---' has no closing '---' line.")
    source = "\n".join(lines[1:end])
    if len(source) > MAX_FRONT_MATTER:
        raise file.problem("the front matter is too long for an entry's details.")
    try:
        if _has_alias(source):
            raise file.problem("the front matter uses a YAML anchor or alias ('&' or '*'), "
                               "which the journal does not read; write each value out in "
                               "full.")
        meta = yaml.load(source, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
    except ImportProblem:
        raise
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        # File lines: the fence is line 1; a mistake noticed at the closing fence is
        # reported on the last line of the front matter.
        line = f" (line {min(mark.line + 2, end)})" if mark is not None else ""
        reason = getattr(error, "problem", None) or "it cannot be read"
        raise file.problem(f"the front matter is not valid YAML{line}: {reason}.") from None
    except RecursionError:
        raise file.problem("the front matter is nested too deeply.") from None
    except (ValueError, OverflowError, TypeError) as error:
        # PyYAML reads 2024-13-40 as a date and fails on it, as on too long a number.
        raise file.problem(f"the front matter holds a value that cannot be read "
                           f"({shown(str(error), 80)}); a date must exist, like 2024-01-05."
                           ) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise file.problem("the front matter should be 'key: value' lines.")
    keys = {(key if isinstance(key, str) else shown(key, 64)).strip().lower(): value
            for key, value in meta.items()}
    return keys, "\n".join(lines[end + 1:]).strip("\n"), True


def _has_alias(source: str) -> bool:
    """Whether YAML ``source`` names an anchor or refers to one. Aliases are refused
    before anything is built: a few hundred bytes of nested aliases expand to billions
    of values (the "billion laughs"). Only the parser's events are read, which stay as
    small as the text."""
    for event in yaml.parse(source, Loader=_SAFE_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            return True
    return False


def _heading_title(body: str) -> tuple[str | None, str]:
    first, _, rest = body.partition("\n")
    match = _TITLE.fullmatch(first)
    if match is None:
        return None, body
    return match.group(1), rest.strip("\n")


def _name_title(file: _File) -> str | None:
    """The file's name without its extension, as notes apps (Obsidian, say) show it
    for a title; None when the name is only a date, which becomes the entry's date.
    Our own export names files after their titles but keeps the real one (or none) in
    the front matter, with ``kind``, so its names are never read as titles."""
    stem = file.name.rsplit("/", 1)[-1]
    lowered = stem.lower()
    for extension in EXTENSIONS:
        if lowered.endswith(extension):
            stem = stem[:-len(extension)]
            break
    stem = stem.strip()
    match = _NAME_DATE.match(stem)
    if not stem or (match is not None and match.end() == len(stem)):
        return None
    return _checked(file, "file name", stem)


def _checked(file: _File, key: str, value: str) -> str:
    try:
        return check_text(value, field=f"'{key}'")
    except ValueError as error:
        raise file.problem(str(error)) from None


def _scalar(file: _File, meta: dict, key: str) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float | date):
        return _checked(file, key, str(value))
    raise file.problem(f"'{key}' in the front matter should be text, not a "
                       f"{'list' if isinstance(value, list) else 'set of keys'}.")


def _flag(file: _File, meta: dict, key: str) -> bool:
    value = meta.get(key)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "false", "no"):
        return value.strip().lower() in ("true", "yes")
    raise file.problem(f"'{key}' in the front matter should be true or false, "
                       f"not '{shown(value)}'.")


def _belief(file: _File, meta: dict, key: str) -> int | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise file.problem(f"'{key}' should be a whole number from 0 to 10, "
                           f"not '{shown(value)}'.")
    return value


def _tags(file: _File, value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    raws = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, list | dict):
            raise file.problem("'tags' in the front matter should be a list of words or a "
                               "comma-separated line.")
        raws.extend(piece for piece in _checked(file, "tags", str(item)).split(",")
                    if piece.strip())
    return raws


def _moment(file: _File, meta: dict, key: str) -> datetime | None:
    """The time under ``key`` in UTC; a date alone is local midnight."""
    value = meta.get(key)
    if value is None:
        return None
    try:
        if isinstance(value, datetime):
            return as_utc(value, file.zone)
        if isinstance(value, date):
            return as_utc(datetime.combine(value, time.min), file.zone)
        if isinstance(value, str):
            moment = _written_date(value, file.zone)
            return moment if moment is not None else as_utc(parse_iso(value), file.zone)
    except ValueError:
        pass
    raise file.problem(f"the {key} '{shown(value)}' in the front matter is not a date "
                       "like 2024-01-05, 2024-01-05 14:30:00 Friday or "
                       "2024-01-05T14:30:00+01:00.")


def _written_date(text: str, zone: tzinfo) -> datetime | None:
    """The time ``text`` writes in one of the ways of :data:`_LOOSE_DATE` or as ISO
    8601, in UTC (local to ``zone`` without an offset); None when ``text`` is not
    written as a date. Raises ValueError for a date that does not exist."""
    text = text.strip()
    match = _LOOSE_DATE.fullmatch(text)
    if match is not None:
        year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
        return as_utc(datetime(year, month, day, hour, minute, second), zone)
    if _ISO_START.match(text):
        return as_utc(parse_iso(text), zone)
    return None


def _first_line_date(file: _File, body: str) -> tuple[datetime | None, str]:
    """``(time, rest of the body)`` when the body's first line is only a date (with
    an optional time and weekday); else ``(None, body)``. A line that looks like a date
    that does not exist stays text."""
    first, _, rest = body.lstrip("\n").partition("\n")
    try:
        moment = _written_date(first, file.zone)
    except ValueError:
        return None, body
    if moment is None:
        return None, body
    return moment, rest.strip("\n")


def _modified(file: _File) -> datetime:
    """When the file was last changed, for a file without a date of its own."""
    if file.modified is not None:
        try:
            return as_utc(file.modified, file.zone)
        except ValueError:
            pass
    raise file.problem("the file has no date: add 'date: 2024-01-05' to its front matter, "
                       "start its name with the date (2024-01-05-title.md), or write the "
                       "date on its first line.")


def _name_date(file: _File) -> datetime | None:
    base = file.name.rsplit("/", 1)[-1]
    match = _NAME_DATE.match(base)
    if match is None:
        return None
    year, month, day, hour, minute = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
        return as_utc(moment, file.zone)
    except ValueError:
        raise file.problem(f"the file name starts with '{match.group(0)}', which is not a "
                           "date and time like 2024-01-05-1430.") from None


def _split_reframe(text: str) -> tuple[ImportedReframe, str]:
    """The guided fields under their headings, and the free text: what comes before
    the first heading and under ``## Anything else``. Headings count only in the
    order the export writes them, and not at all inside the free text."""
    sections: dict[str, list[str]] = {"": []}
    current, reached = "", -1
    for line in text.split("\n"):
        match = _HEADING.fullmatch(line) if current != "body" else None
        if match is not None:
            heading = match.group(1)
            field = _FIELD_BY_HEADING.get(heading)
            if field is not None and _FIELD_ORDER.index(field) > reached:
                current, reached = field, _FIELD_ORDER.index(field)
                sections[current] = []
                continue
            if heading == REFRAME_BODY_HEADING:
                current = "body"
                sections[current] = []
                continue
        sections[current].append(line)
    texts = {key: "\n".join(lines).strip("\n") for key, lines in sections.items()}
    reframe = ImportedReframe(**{field: texts.get(field, "") for field in _FIELD_ORDER})
    body = "\n\n".join(part for part in (texts[""], texts.get("body", "")) if part)
    return reframe, body
