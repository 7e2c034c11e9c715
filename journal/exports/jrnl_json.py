"""jrnl-compatible JSON: the shape ``jrnl --export json`` writes.

jrnl's JSON exporter writes ``{"tags": {"@tag": count, ...}, "entries": [...]}``, each
entry with ``title``, ``body``, ``date`` (``YYYY-MM-DD``), ``time`` (``HH:MM``), ``tags``
and ``starred``; dates and times are local, tags are lower case with jrnl's ``@``
symbol, and a tag's count is the number of entries carrying it. jrnl adds ``uuid`` and
``creator`` only for entries that came from Day One, so they are not written here.

The counts must come before the entries, so they are one aggregate query up front;
the entries then stream one at a time. An entry that did not open is a placeholder
(its title says so); when there are any, ``unreadable`` follows the entries with how
many rows of each kind did not open (jrnl ignores keys it does not know).
"""

import json
from collections.abc import Iterator

from journal.exports.batches import EntryReader, EntryRecord, ExportOwner, tag_counts
from journal.exports.writing import chunked, entry_text
from journal.timezones import in_zone

TAG_SYMBOL = "@"


def jrnl_entry(record: EntryRecord, owner: ExportOwner) -> dict:
    """One element of ``entries``. ``title`` is the entry's own title or empty (jrnl
    takes a title from the first line; an untitled entry keeps all its text in
    ``body``); a reframe's body is its guided sections, then its free text."""
    local = in_zone(record.created_at, owner.zone)
    return {
        "title": record.title or "",
        "body": entry_text(record),
        "date": f"{local.year:04d}-{local:%m-%d}",
        "time": f"{local:%H:%M}",
        "tags": [TAG_SYMBOL + name for name, _ in record.tags],
        "starred": record.starred,
    }


def jrnl_text(owner: ExportOwner, reader: EntryReader) -> Iterator[str]:
    """The document as a sequence of strings; ``reader`` is consumed as it goes."""
    counts = {TAG_SYMBOL + name: count for name, count in tag_counts(reader)}
    yield '{\n  "tags": '
    yield json.dumps(counts, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    yield ',\n  "entries": ['
    first = True
    for record in reader:
        yield ("\n    " if first else ",\n    ")
        yield json.dumps(jrnl_entry(record, owner), ensure_ascii=False)
        first = False
    yield "]" if first else "\n  ]"
    if reader.unopened.any:
        yield f',\n  "unreadable": {json.dumps(reader.unopened.as_dict())}'
    yield "\n}\n"


def jrnl_document(owner: ExportOwner, reader: EntryReader) -> Iterator[bytes]:
    """The document as UTF-8 byte chunks, for a response body or a file."""
    return chunked(jrnl_text(owner, reader))
