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

from journal.fulltext.backends import BATCH, Document, backend_for
from journal.models import Entry, EntryTag, Reframe, Tag


def _documents(connection: Connection, entry_ids: list[int] | None) -> Iterator[Document]:
    """Documents for ``entry_ids`` (every entry when ``None``), read in batches."""
    entries = Entry.__table__
    reframes = Reframe.__table__
    base = (
        select(entries.c.id, entries.c.owner_id, entries.c.title, entries.c.body,
               entries.c.win_part, entries.c.prompt_text,
               *[reframes.c[name] for name in Reframe.TEXT_FIELDS])
        .outerjoin(reframes, reframes.c.entry_id == entries.c.id)
        .order_by(entries.c.id)
    )
    if entry_ids is None:
        last_id = 0
        while True:
            rows = connection.execute(base.where(entries.c.id > last_id).limit(BATCH)).all()
            if not rows:
                return
            yield from _with_tags(connection, rows)
            last_id = rows[-1].id
    else:
        for start in range(0, len(entry_ids), BATCH):
            chunk = entry_ids[start:start + BATCH]
            rows = connection.execute(base.where(entries.c.id.in_(chunk))).all()
            yield from _with_tags(connection, rows)


def _with_tags(connection: Connection, rows) -> Iterator[Document]:
    ids = [row.id for row in rows]
    tags: dict[int, list[str]] = {}
    for entry_id, name, shown in connection.execute(
            select(EntryTag.entry_id, Tag.name, Tag.display_name)
            .join(Tag, Tag.id == EntryTag.tag_id).where(EntryTag.entry_id.in_(ids))):
        tags.setdefault(entry_id, []).append(f"{shown} {name}".replace("/", " "))
    for row in rows:
        extra = [getattr(row, name) or "" for name in Reframe.TEXT_FIELDS]
        extra += [row.win_part or "", row.prompt_text or ""]
        yield Document(row.id, row.owner_id, row.title or "", row.body or "",
                       " ".join(tags.get(row.id, [])), "\n".join(part for part in extra if part))


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
