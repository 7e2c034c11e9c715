"""The search index: one document per entry, carrying its owner.

SQLite keeps the documents in the FTS5 table ``entries_fts`` (rowid = entry id);
PostgreSQL in ``search_documents`` as a ``tsvector``. Everything that changes an
entry's searchable text calls :func:`index_entries` (or relies on the delete trigger
and foreign key) inside the same transaction, so the index is never out of step.

A document is made of the title, the body, the tags (each level as a word:
``work/launch`` is found by ``work`` and by ``launch``), and the rest: a reframe's
guided fields, the user's part in a win, and the prompt the entry answered.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import bindparam, select, text
from sqlalchemy.engine import Connection

from journal.models import Entry, EntryTag, Reframe, Tag
from journal.search.query import searchable

BATCH = 2000


@dataclass(frozen=True)
class Document:
    entry_id: int
    owner_id: int
    title: str
    body: str
    tags: str
    extra: str


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


class SQLiteIndex:
    def delete(self, connection: Connection, entry_ids: list[int]) -> None:
        for start in range(0, len(entry_ids), BATCH):
            connection.execute(text("DELETE FROM entries_fts WHERE rowid IN :ids")
                               .bindparams(bindparam("ids", expanding=True)),
                               {"ids": entry_ids[start:start + BATCH]})

    def insert(self, connection: Connection, documents: Iterable[Document]) -> None:
        statement = text("INSERT INTO entries_fts (rowid, title, body, tags, extra, owner_id) "
                         "VALUES (:entry_id, :title, :body, :tags, :extra, :owner_id)")
        _in_batches(connection, statement, documents)

    def clear(self, connection: Connection) -> None:
        connection.execute(text("DELETE FROM entries_fts"))


class PostgresIndex:
    def delete(self, connection: Connection, entry_ids: list[int]) -> None:
        connection.execute(text("DELETE FROM search_documents WHERE entry_id = ANY(:ids)"),
                           {"ids": list(entry_ids)})

    def insert(self, connection: Connection, documents: Iterable[Document]) -> None:
        statement = text(
            "INSERT INTO search_documents (entry_id, owner_id, document) VALUES (:entry_id, "
            ":owner_id, setweight(to_tsvector('simple', :title), 'A') || "
            "setweight(to_tsvector('simple', :tags), 'B') || "
            "to_tsvector('simple', :body) || to_tsvector('simple', :extra)) "
            "ON CONFLICT (entry_id) DO UPDATE SET owner_id = excluded.owner_id, "
            "document = excluded.document")
        normalized = (Document(d.entry_id, d.owner_id, searchable(d.title), searchable(d.body),
                               searchable(d.tags), searchable(d.extra)) for d in documents)
        _in_batches(connection, statement, normalized)

    def clear(self, connection: Connection) -> None:
        connection.execute(text("DELETE FROM search_documents"))


def _in_batches(connection: Connection, statement, documents: Iterable[Document]) -> None:
    batch = []
    for document in documents:
        batch.append(document.__dict__)
        if len(batch) >= BATCH:
            connection.execute(statement, batch)
            batch = []
    if batch:
        connection.execute(statement, batch)


def backend_for(connection: Connection) -> SQLiteIndex | PostgresIndex:
    return SQLiteIndex() if connection.dialect.name == "sqlite" else PostgresIndex()


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

