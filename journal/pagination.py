"""Keyset pagination over entries, newest first.

A page link carries the position of an edge entry (its creation time and id) rather
than an offset, so a page costs the same at entry 20 and at entry 100,000 and nothing
shifts when an entry is added meanwhile. Entries that share a timestamp are ordered
by id, so none is skipped or shown twice at a page boundary.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import abort
from sqlalchemy import Select, tuple_

from journal.extensions import db
from journal.models import Entry
from journal.urls import MAX_ID


@dataclass(frozen=True)
class Page:
    items: list[Entry]
    older: str | None  # cursor for the next page of older entries
    newer: str | None  # cursor for the previous page of newer entries


def encode_cursor(entry: Entry) -> str:
    micros = int(entry.created_at.timestamp() * 1_000_000)
    return f"{micros}.{entry.id}"


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """Aborts 400 with a readable message for a cursor that was not made by us (its
    time outside the calendar, its id beyond what an id column holds)."""
    try:
        micros_text, id_text = cursor.split(".")
        micros, ident = int(micros_text), int(id_text)
        if not 0 <= ident <= MAX_ID:
            raise ValueError(ident)
        moment = datetime.fromtimestamp(micros / 1_000_000, tz=UTC)
    except (ValueError, OverflowError, OSError):
        abort(400, description="That page link is damaged. Go back to the first page of the list.")
    return moment, ident


def paginate_entries(statement: Select, *, before: str | None, after: str | None,
                     per_page: int) -> Page:
    """One page of the entries ``statement`` selects (already owner-scoped).

    ``before``: show entries older than this cursor; ``after``: newer than this cursor;
    neither: the newest page.
    """
    key = tuple_(Entry.created_at, Entry.id)
    if after:
        moment, ident = decode_cursor(after)
        rows = db.session.scalars(
            statement.where(key > tuple_(moment, ident))
            .order_by(Entry.created_at.asc(), Entry.id.asc())
            .limit(per_page + 1)
        ).all()
        has_newer = len(rows) > per_page
        items = list(reversed(rows[:per_page]))
        has_older = True
    else:
        if before:
            moment, ident = decode_cursor(before)
            statement = statement.where(key < tuple_(moment, ident))
        rows = db.session.scalars(
            statement.order_by(Entry.created_at.desc(), Entry.id.desc()).limit(per_page + 1)
        ).all()
        has_older = len(rows) > per_page
        items = list(rows[:per_page])
        has_newer = bool(before)
    if not items:
        return Page(items, None, None)
    return Page(
        items,
        older=encode_cursor(items[-1]) if has_older else None,
        newer=encode_cursor(items[0]) if has_newer else None,
    )
