"""Which entries of an import the journal already holds.

Two entries are the same when they were written in the same minute (UTC) with the
same title, body and guided fields. Minutes, not seconds, because jrnl keeps times
to the minute: an entry exported to jrnl and imported back is still recognised.
Whitespace at the ends of each text and line-ending style do not count.
"""

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta

from journal.extensions import db
from journal.models import Entry
from journal.ownership import owned, owned_columns
from journal.transfer.document import REFRAME_TEXT_FIELDS, ImportedEntry

LOOKUP_BATCH = 500


def _minute(moment: datetime) -> str:
    return moment.replace(second=0, microsecond=0).isoformat()


def _clean(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def fingerprint(created_at: datetime, title: str | None, body: str,
                guided: Iterable[str] | None) -> str:
    parts = [_minute(created_at), _clean(title), _clean(body)]
    if guided is not None:
        parts.extend(_clean(text) for text in guided)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def entry_fingerprint(entry: ImportedEntry) -> str:
    guided = None
    if entry.reframe is not None:
        guided = [getattr(entry.reframe, name) for name in REFRAME_TEXT_FIELDS]
    return fingerprint(entry.created_at, entry.title, entry.body, guided)


def existing_fingerprints(owner_id: int, entries: list[ImportedEntry], *,
                          job: int | None = None) -> set[str]:
    """Fingerprints of the owner's stored entries written in a minute that some
    imported entry was written in (with the entries import ``job`` wrote so far, so a
    resumed job leaves out what it already wrote). Reads timestamps over the import's
    date range, then opens only the entries whose minute matches, a batch at a time
    (their texts are sealed: they are compared once opened, never in SQL). An entry
    this context cannot open matches nothing."""
    if not entries:
        return set()
    minutes = {_minute(entry.created_at) for entry in entries}
    start = min(entry.created_at for entry in entries).replace(second=0, microsecond=0)
    end = max(entry.created_at for entry in entries) + timedelta(minutes=1)
    stamps = db.session.execute(
        owned_columns(Entry, owner_id, Entry.id, Entry.created_at, job=job)
        .where(Entry.created_at >= start, Entry.created_at < end))
    candidates = [entry_id for entry_id, created in stamps if _minute(created) in minutes]

    found: set[str] = set()
    for first in range(0, len(candidates), LOOKUP_BATCH):
        chunk = candidates[first:first + LOOKUP_BATCH]
        stored = db.session.scalars(owned(Entry, owner_id, job=job)
                                    .where(Entry.id.in_(chunk))).all()
        found.update(stored_fingerprint(entry) for entry in stored if not entry.unreadable)
    return found


def stored_fingerprint(entry: Entry) -> str:
    reframe = entry.reframe
    guided = None
    if reframe is not None and not reframe.unreadable:
        guided = [getattr(reframe, name) for name in REFRAME_TEXT_FIELDS]
    return fingerprint(entry.created_at, entry.title, entry.body, guided)
