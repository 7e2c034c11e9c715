"""Day One's JSON export: the exported ``.zip`` or the journal ``.json`` inside it.

A journal file is ``{"metadata": {"version": "1.0"}, "entries": [...]}``; each entry
has ``creationDate`` (UTC, ``2023-01-05T14:30:00Z``) and may have ``modifiedDate``,
``timeZone`` (where it was written), ``text`` (Markdown), ``tags``, ``starred`` and
much more (``uuid``, ``photos``, ``location``, ``weather``...), which is ignored. The
zip holds one journal file per journal at its root, next to ``photos/`` and other
media folders, which are not read. Media references in the text
(``![](dayone-moment://...)``) stay in the text as they are. Day One entries have no
separate title: the text is the body, whole. An entry with media but no text to read
(photos only, say) is titled "Photo entry without text" (or video, audio, PDF), so it
is not an empty "Untitled entry" and a search for "photo" finds every one; the preview
says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo

from journal.imports.readers.archive import (
    DEFAULT_LIMITS,
    ZipLimits,
    is_hidden,
    iter_members,
    list_names,
)
from journal.imports.readers.common import Fitter, Record
from journal.imports.readers.jsonstream import MAX_ENTRIES, load_json, too_many_entries
from journal.imports.readers.listed import first_item, is_list
from journal.imports.readers.quoting import kind_of, shown, where_from
from journal.rendering import plain_lines
from journal.timezones import is_valid_timezone
from journal.transfer.document import ImportedEntry, ImportProblem, ParsedJournal


def looks_like(document: Any) -> bool:
    """Whether parsed JSON has the shape of a Day One journal file."""
    if not isinstance(document, dict) or not is_list(document.get("entries")):
        return False
    if "format" in document:
        return False
    if isinstance(document.get("metadata"), dict):
        return True
    first = first_item(document["entries"])
    return isinstance(first, dict) and "creationDate" in first


def is_journal_member(name: str) -> bool:
    """A journal file of the zip: a ``.json`` at its root."""
    return "/" not in name and name.lower().endswith(".json") and not is_hidden(name)


def read_zip(data: bytes, *, limits: ZipLimits = DEFAULT_LIMITS) -> ParsedJournal:
    """The entries of every journal file in a Day One zip, file by file. Raises
    ImportProblem for an unsafe archive, a zip without a journal file, or the first
    entry that is wrong."""
    names = [name for name in list_names(data, limits=limits) if is_journal_member(name)]
    if not names:
        raise ImportProblem("The zip holds no Day One journal: a Day One export has a .json "
                            "file at the top of the zip.")
    return read_documents(_documents(data, limits), several=len(names) > 1)


def _documents(data: bytes, limits: ZipLimits) -> Iterator[tuple[str, Any]]:
    """Each journal file of the zip, parsed, one at a time: a file's bytes are let go
    once its entries are read."""
    for member in iter_members(data, keep=is_journal_member, limits=limits, by_name=True):
        try:
            yield member.name, load_json(member.data)
        except ImportProblem as problem:
            message = problem.message.replace("The file ", "The journal file ", 1)
            raise ImportProblem(f"In '{member.name}': {message}") from None


# Day One's media lists, and what an entry holding only that kind is titled.
MEDIA = {"photos": "Photo", "videos": "Video", "audios": "Audio", "pdfAttachments": "PDF"}


@dataclass
class _Media:
    """Entries with media, which is never imported, for the preview's notes."""

    without_text: list[str] = field(default_factory=list)  # the titles given
    with_text: int = 0

    def notes(self) -> list[str]:
        notes = []
        if self.without_text:
            count = len(self.without_text)
            titles = " or ".join(f"“{title}”" for title in dict.fromkeys(self.without_text))
            notes.append(
                f"{count} {'entry has' if count == 1 else 'entries have'} photos or other "
                "media but no text. Media is not imported, so "
                f"{'it is' if count == 1 else 'they are'} kept with the title {titles}, "
                "on the date written; search for that title to find "
                f"{'it' if count == 1 else 'them'}.")
        if self.with_text:
            count = self.with_text
            notes.append(
                f"{count} {'entry has' if count == 1 else 'entries have'} photos or other "
                "media besides text. Media is not imported; the text keeps Day One's "
                "references to it.")
        return notes


def read_documents(documents: Iterable[tuple[str | None, Any]], *,
                   several: bool = False) -> ParsedJournal:
    """The entries of parsed journal files, ``(file name or None, document)`` each,
    numbered in order across them; messages name the file when there are ``several``.
    Raises ImportProblem for the first one that is wrong, or when they hold more
    entries than one import takes."""
    fitter = Fitter()
    media = _Media()
    unknown_zones: list[str] = []
    entries: list[ImportedEntry] = []
    for name, document in documents:
        if not isinstance(document, dict) or not is_list(document.get("entries")):
            where = f" '{name}'" if name else ""
            raise ImportProblem(f"The Day One file{where} should be an object with "
                                f"\"metadata\" and a list of \"entries\"; it holds "
                                f"{kind_of(document)} of another shape.")
        if len(entries) + len(document["entries"]) > MAX_ENTRIES:
            raise too_many_entries()
        for item in document["entries"]:
            position = len(entries) + 1
            entries.append(_entry(item, position, name if several else None, fitter,
                                  unknown_zones, media))
    if unknown_zones:
        count = len(unknown_zones)
        fitter.note(f"{count} {'entry names' if count == 1 else 'entries name'} a time zone "
                    f"the journal does not know (e.g. '{shown(unknown_zones[0])}'); their "
                    "times are exact anyway, as Day One writes them in UTC.")
    return ParsedJournal(format="dayone", entries=entries,
                         notes=fitter.notes() + media.notes())


def _entry(item: Any, position: int, member: str | None, fitter: Fitter,
           unknown_zones: list[str], media: _Media) -> ImportedEntry:
    written = item.get("creationDate") if isinstance(item, dict) else None
    where = where_from(written)
    if member:
        where = f"{where} in {member}" if where else member
    record = Record(item, entry=position, where=where)
    zone_name = record.text("timeZone", nullable=True, max_length=200)
    zone = UTC
    if zone_name and is_valid_timezone(zone_name):
        zone = ZoneInfo(zone_name)
    elif zone_name:
        unknown_zones.append(zone_name)
    # Day One writes UTC; a time without an offset is read where the entry was written.
    created = record.moment("creationDate", required=True, nullable=False, zone=zone)
    updated = record.moment("modifiedDate", zone=zone)
    body = record.text("text", nullable=True, newlines=True) or ""
    raws = record.texts("tags")
    entry = ImportedEntry(created_at=created, updated_at=updated, body=body,
                          tags=fitter.tags(raws), starred=record.boolean("starred"),
                          position=position)
    kinds = [kind for key, kind in MEDIA.items()
             if isinstance(item.get(key), list) and item[key]]
    if kinds and plain_lines(body):
        media.with_text += 1
    elif kinds:
        entry.title = f"{kinds[0]} entry without text"
        media.without_text.append(entry.title)
    return entry
