"""Keeping the index in step with the entries: one document per entry, carrying its
owner, written through the database's backend (:mod:`journal.fulltext.backends`).
Everything that changes an entry's searchable text calls :func:`index_entries` (or
relies on the delete trigger and foreign key) inside the same transaction, so the index
is never out of step.

A document is made of the title, the body, the tags (each level as a word:
``work/launch`` is found by ``work`` and by ``launch``), and the rest: a reframe's
guided fields, the user's part in a win, and the prompt the entry answered.
"""

from collections.abc import Callable, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import selectinload

from journal.extensions import db
from journal.fulltext.backends import BATCH, Document, backend_for
from journal.models import Entry, Reframe


def _documents(connection: Connection, entry_ids: list[int] | None) -> Iterator[Document]:
    """Documents for ``entry_ids`` (every entry when ``None``), read in batches through
    the session (sealed fields open with the keys this context holds)."""
    base = select(Entry).options(selectinload(Entry.tags)).order_by(Entry.id)
    if entry_ids is None:
        last_id = 0
        while True:
            entries = db.session.scalars(base.where(Entry.id > last_id).limit(BATCH)).all()
            if not entries:
                return
            yield from map(_document, entries)
            last_id = entries[-1].id
    else:
        for start in range(0, len(entry_ids), BATCH):
            chunk = entry_ids[start:start + BATCH]
            yield from map(_document, db.session.scalars(base.where(Entry.id.in_(chunk))))


def _document(entry: Entry) -> Document:
    tags = " ".join(f"{tag.display_name} {tag.name}".replace("/", " ") for tag in entry.tags)
    reframe = entry.reframe
    extra = [getattr(reframe, name) for name in Reframe.TEXT_FIELDS] if reframe else []
    extra += [entry.win_part or "", entry.prompt_text or ""]
    return Document(entry.id, entry.owner_id, entry.title or "", entry.body or "", tags,
                    "\n".join(part for part in extra if part))


def index_entries(connection: Connection, entry_ids: Iterable[int]) -> None:
    """Bring the documents of ``entry_ids`` up to date (entries that no longer exist
    lose theirs)."""
    ids = sorted(set(entry_ids))
    if not ids:
        return
    backend = backend_for(connection)
    backend.delete(connection, ids)
    backend.insert(connection, _documents(connection, ids))


def unindex_entries(connection: Connection, entry_ids: Iterable[int]) -> None:
    ids = sorted(set(entry_ids))
    if ids:
        backend_for(connection).delete(connection, ids)


def rebuild_index(connection: Connection) -> int:
    """Rebuild every document from the entries; returns how many were written."""
    backend = backend_for(connection)
    backend.clear(connection)
    count = 0

    def counted(documents):
        nonlocal count
        for document in documents:
            count += 1
            yield document

    backend.insert(connection, counted(_documents(connection, None)))
    return count



def reindex_in_batches(connect: Callable[[], Connection], size: int = BATCH) -> Iterator[int]:
    """Rewrite every entry's document, ``size`` entries at a time, yielding after each
    batch how many were written so the caller can commit between them (``connect``
    gives the connection of the current transaction, a new one after each): no transaction
    holds the write lock for long, and search finds everything throughout (each batch
    replaces its documents; none are cleared first). Documents whose entry is gone are
    removed last."""
    last_id = 0
    entries = Entry.__table__
    while True:
        connection = connect()
        ids = list(connection.scalars(select(entries.c.id).where(entries.c.id > last_id)
                                      .order_by(entries.c.id).limit(size)))
        if not ids:
            break
        index_entries(connection, ids)
        last_id = ids[-1]
        yield len(ids)
    connection = connect()
    backend_for(connection).remove_orphans(connection)
    yield 0
