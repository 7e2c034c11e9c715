"""Keeping the index in step with the entries: one document per entry, carrying its
owner, written through the database's backend (:mod:`journal.fulltext.backends`).
Everything that changes an entry's searchable text calls :func:`index_entries` (or
relies on the delete trigger and foreign key) inside the same transaction, so the index
is never out of step.

A document is made of the title, the body, the tags (each level as a word:
``work/launch`` is found by ``work`` and by ``launch``), and the rest: a reframe's
guided fields, the user's part in a win, and the prompt the entry answered. An
encrypted journal's documents hold keyed digests of those words
(:mod:`journal.fulltext.tokens`), so they can only be written by work that holds the
journal's key. Entries of a journal whose key is not held here, and rows that do not
open, are skipped: their documents stay as they were (never emptied), and the result
says how many were skipped for whom, so a command can say what is left to do.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import selectinload

from journal.extensions import db
from journal.fulltext.backends import BATCH, Document, SQLiteIndex, backend_for
from journal.fulltext.tokens import vocabulary
from journal.models import Entry, Reframe
from journal.ownership import owned


@dataclass
class Indexed:
    """What a write to the index did: documents written, and entries skipped because
    this context cannot read them (their documents left as they were), by owner id and
    as ids; documents copied as they were from another database."""

    written: int = 0
    skipped: Counter[int] = field(default_factory=Counter)
    left: list[int] = field(default_factory=list)
    carried: int = 0

    def add(self, other: "Indexed") -> None:
        self.written += other.written
        self.skipped.update(other.skipped)
        self.left += other.left
        self.carried += other.carried


def _texts(entry: Entry) -> tuple[str, str, str, str]:
    """Title, body, tags and the rest, as the document's four fields."""
    tags = " ".join(f"{tag.display_name} {tag.name}".replace("/", " ") for tag in entry.tags)
    reframe = entry.reframe
    extra = [getattr(reframe, name) for name in Reframe.TEXT_FIELDS] if reframe else []
    extra += [entry.win_part or "", entry.prompt_text or ""]
    return entry.title or "", entry.body or "", tags, "\n".join(part for part in extra if part)


def _document(entry: Entry) -> Document | None:
    """The entry's document, or ``None`` when it cannot be written here: the journal is
    encrypted and its key is not held, or the entry (or its reframe) does not open."""
    words = vocabulary(entry.owner_id)
    if words.locked or entry.unreadable or (entry.reframe and entry.reframe.unreadable):
        return None
    texts = _texts(entry)
    if not words.blinded:
        return Document(entry.id, entry.owner_id, *texts)
    title, body, tags, extra = (" ".join(words.tokens(text)) for text in texts)
    return Document(entry.id, entry.owner_id, title, body, tags, extra,
                    prefixes=" ".join(words.prefixes(texts)), blinded=True)


def _loaded(entry_ids: list[int]) -> Iterator[tuple[list[int], list[Entry]]]:
    """``entry_ids`` in batches, each with those of its entries that exist, read through
    the session (sealed fields open with the keys this context holds)."""
    base = select(Entry).options(selectinload(Entry.tags)).order_by(Entry.id)
    for start in range(0, len(entry_ids), BATCH):
        chunk = entry_ids[start:start + BATCH]
        yield chunk, list(db.session.scalars(base.where(Entry.id.in_(chunk))))


def index_entries(connection: Connection, entry_ids: Iterable[int]) -> Indexed:
    """Bring the documents of ``entry_ids`` up to date: entries that no longer exist
    lose theirs; entries this context cannot read keep theirs, counted as skipped."""
    ids = sorted(set(entry_ids))
    result = Indexed()
    if not ids:
        return result
    backend = backend_for(connection)
    for chunk, entries in _loaded(ids):
        documents, kept = [], set()
        for entry in entries:
            document = _document(entry)
            if document is None:
                result.skipped[entry.owner_id] += 1
                result.left.append(entry.id)
                kept.add(entry.id)
            else:
                documents.append(document)
        backend.delete(connection, [entry_id for entry_id in chunk if entry_id not in kept])
        backend.insert(connection, documents)
        result.written += len(documents)
    return result


def unindex_entries(connection: Connection, entry_ids: Iterable[int]) -> None:
    ids = sorted(set(entry_ids))
    if ids:
        backend_for(connection).delete(connection, ids)


def rebuild_index(connection: Connection, *, carry_from: Connection | None = None) -> Indexed:
    """Write every entry's document that this context can (see :func:`index_entries`)
    and drop the documents of entries that no longer exist. With ``carry_from``, an
    SQLite database holding the same entries (copy-db's source), the documents of
    digests of entries this context cannot read are copied from there as they are."""
    result = Indexed()
    last_id = 0
    entries = Entry.__table__
    while True:
        ids = list(db.session.scalars(select(entries.c.id).where(entries.c.id > last_id)
                                      .order_by(entries.c.id).limit(BATCH)))
        if not ids:
            break
        batch = index_entries(connection, ids)
        if carry_from is not None and batch.left:
            documents = SQLiteIndex().digest_documents(carry_from, batch.left)
            backend_for(connection).insert(connection, documents)
            batch.carried = len(documents)
        result.add(batch)
        last_id = ids[-1]
    backend_for(connection).remove_orphans(connection)
    return result


def reindex_in_batches(connect: Callable[[], Connection], size: int = BATCH, *,
                       owner_id: int | None = None) -> Iterator[Indexed]:
    """Rewrite every entry's document (``owner_id``'s only, when given), ``size``
    entries at a time, yielding after each batch what it did so the caller can commit
    between them (``connect`` gives the connection of the current transaction, a new one
    after each): no transaction holds the write lock for long, and search finds
    everything throughout (each batch replaces its documents; none are cleared first).
    Documents whose entry is gone are removed last."""
    last_id = 0
    listed = (select(Entry.id) if owner_id is None
              else owned(Entry, owner_id, with_hidden=True).with_only_columns(Entry.id))
    while True:
        connection = connect()
        ids = list(connection.scalars(listed.where(Entry.id > last_id)
                                      .order_by(Entry.id).limit(size)))
        if not ids:
            break
        yield index_entries(connection, ids)
        last_id = ids[-1]
    connection = connect()
    backend_for(connection).remove_orphans(connection)
    yield Indexed()
