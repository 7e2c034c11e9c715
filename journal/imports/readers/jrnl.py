"""jrnl's JSON export (``jrnl --export json``).

jrnl writes ``{"tags": {"@work": 3, ...}, "entries": [...]}``; each entry is
``{"title", "body", "date": "2021-03-04", "time": "09:30", "tags": ["@work"],
"starred"}``, sometimes with more keys (``uuid``, ``creator``), which are ignored.
Dates and times are local times without an offset: they are read in the zone the
import is given. Tags lose their ``@`` and are made to fit the journal's rules.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo
from typing import Any

from journal.imports.readers.common import Fitter, Record, as_utc
from journal.imports.readers.listed import first_item, is_list
from journal.imports.readers.quoting import kind_of, shown, where_from
from journal.transfer.document import ImportedEntry, ImportProblem, ParsedJournal

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def looks_like(document: Any) -> bool:
    """Whether parsed JSON has jrnl's shape."""
    if not isinstance(document, dict) or not is_list(document.get("entries")):
        return False
    if "format" in document or "metadata" in document:
        return False
    first = first_item(document["entries"])
    if first is None:
        return isinstance(document.get("tags"), dict)
    return isinstance(first, dict) and "date" in first and "creationDate" not in first


def read_document(document: Any, zone: tzinfo) -> ParsedJournal:
    """The entries of a jrnl export, local times read in ``zone``. Raises
    ImportProblem for the first entry that is wrong, naming it by its date."""
    if not isinstance(document, dict) or "entries" not in document:
        raise ImportProblem("A jrnl export is an object with \"tags\" and \"entries\"; this "
                            f"file holds {_describe(document)}.")
    top = Record(document, noun="the file")
    fitter = Fitter()
    entries = [_entry(item, position, zone, fitter)
               for position, item in enumerate(top.items("entries", required=True), start=1)]
    return ParsedJournal(format="jrnl", entries=entries, notes=fitter.notes())


def _describe(document: Any) -> str:
    if isinstance(document, dict):
        keys = ", ".join(f'"{shown(key)}"' for key in list(document)[:4])
        return f"an object with {keys}" if keys else "an empty object"
    return kind_of(document)


def _entry(item: Any, position: int, zone: tzinfo, fitter: Fitter) -> ImportedEntry:
    written = item.get("date") if isinstance(item, dict) else None
    record = Record(item, entry=position, where=where_from(written))
    day = _day(record, record.text("date", required=True))
    moment = _time(record, record.text("time", nullable=True) or "00:00")
    try:
        created = as_utc(datetime.combine(day, moment), zone)
    except ValueError:
        raise record.problem("the date is out of range.") from None
    title = record.text("title", nullable=True, newlines=True)
    body = record.text("body", nullable=True, newlines=True) or ""
    title, body = fitter.title(title, body)
    raws = record.texts("tags")
    return ImportedEntry(created_at=created, title=title, body=body,
                         tags=fitter.tags(raws), starred=record.boolean("starred"),
                         position=position)


def _day(record: Record, text: str) -> date:
    match = _DATE.fullmatch(text.strip())
    try:
        if match is None:
            raise ValueError(text)
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise record.problem(f"the date '{shown(text)}' is not a date like 2021-03-04.") from None


def _time(record: Record, text: str) -> time:
    match = _TIME.fullmatch(text.strip())
    try:
        if match is None:
            raise ValueError(text)
        hour, minute, second = match.groups()
        return time(int(hour), int(minute), int(second or 0))
    except ValueError:
        raise record.problem(f"the time '{shown(text)}' is not a time like 14:30.") from None
