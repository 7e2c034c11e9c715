"""Sealing what an account wrote before encryption, batch by batch. Functions add and
flush; the caller commits after each batch."""

import time

from sqlalchemy import Select, func, insert, literal, or_, select, text

from journal.crypto.rows import GENERATION_BYTES
from journal.database import BUSY_TIMEOUT_MS
from journal.extensions import db
from journal.fulltext.index import index_entries
from journal.models import (
    Entry,
    EntryTag,
    ImportJob,
    PendingImport,
    Prompt,
    Reframe,
    Tag,
    User,
    utcnow,
)
from journal.ownership import own_prompts, owned
from journal.tags.lookup import tags_named
from journal.totals import entries_retagged, refresh_tag_counts

BATCH = 200


def _plain_rows(owner: User) -> list[tuple[type, Select]]:
    """Statements for the owner's rows still plain, in the order they are sealed: tags
    and prompts first (few), then entries, then their reframes."""
    return [
        (Tag, owned(Tag, owner, with_hidden=True).where(Tag.sealed.is_(None))),
        (Prompt, own_prompts(owner, with_hidden=True).where(Prompt.sealed.is_(None))
         .order_by(Prompt.id)),
        (Entry, owned(Entry, owner, with_hidden=True).where(Entry.sealed.is_(None))
         .order_by(Entry.id)),
        (Reframe, owned(Entry, owner, with_hidden=True).with_only_columns(Reframe)
         .select_from(Entry).join(Reframe, Reframe.entry_id == Entry.id)
         .where(Reframe.sealed.is_(None))
         .order_by(Reframe.entry_id)),
    ]


def plain_rows_of_sealed_accounts() -> dict[str, int]:
    """Rows holding plain text although their account is sealed, per table (none
    expected: for ``check``)."""
    sealed_owner = select(User.id).where(User.sealed_at.is_not(None))
    entry_plain = or_(Entry.sealed.is_(None), Entry.plain_title.is_not(None),
                      Entry.plain_body != "", Entry.plain_prompt_text.is_not(None),
                      Entry.plain_win_part.is_not(None))
    counts = {
        "entries": select(func.count()).select_from(Entry)
        .where(Entry.owner_id.in_(sealed_owner), entry_plain),
        "reframes": select(func.count()).select_from(Reframe)
        .join(Entry, Entry.id == Reframe.entry_id)
        .where(Entry.owner_id.in_(sealed_owner),
               or_(Reframe.sealed.is_(None), Reframe.plain_happened != "",
                   Reframe.plain_critic != "", Reframe.plain_belief_before.is_not(None))),
        "tags": select(func.count()).select_from(Tag)
        .where(Tag.owner_id.in_(sealed_owner),
               or_(Tag.sealed.is_(None), Tag.plain_name.is_not(None))),
        "prompts": select(func.count()).select_from(Prompt)
        .where(Prompt.owner_id.in_(sealed_owner),
               or_(Prompt.sealed.is_(None), Prompt.plain_text != "")),
    }
    found = {table: db.session.scalar(statement) for table, statement in counts.items()}
    return {table: count for table, count in found.items() if count}


def seal_next_batch(owner: User, size: int = BATCH) -> int:
    """Seal up to ``size`` of ``owner``'s plain rows (the key must be held); their plain
    columns are emptied and sealed entries get documents of keyed words. Returns how
    many were sealed; when none were left, the account is marked sealed and its plain
    traces are cleared from the database file (:func:`clear_plain_traces`)."""
    for model, statement in _plain_rows(owner):
        rows = db.session.scalars(statement.limit(size)).all()
        if not rows:
            continue
        for row in rows:
            if not row.unreadable:
                row.mark_for_sealing()
        db.session.flush()
        if model is Entry:
            index_entries(db.session.connection(), [row.id for row in rows])
        return len(rows)
    owner.sealed_at = utcnow()
    db.session.flush()
    clear_plain_traces()
    return 0


def seal_for_a_while(owner: User, seconds: float) -> bool:
    """Seal batches, committing after each, for about ``seconds``; ``True`` when the
    whole journal is sealed."""
    deadline = time.monotonic() + seconds
    while owner.sealed_at is None and time.monotonic() < deadline:
        seal_next_batch(owner)
        db.session.commit()
    return owner.sealed_at is not None


def clear_plain_traces() -> None:
    """On SQLite, merge the search index's segments so the old documents' words are
    dropped (freed pages are zeroed: the connections run with ``secure_delete``). The
    write-ahead log is truncated after the caller commits, at the next checkpoint
    (:func:`checkpoint`). PostgreSQL: nothing here; dead rows go with vacuum."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        connection.execute(text("INSERT INTO entries_fts(entries_fts) VALUES ('optimize')"))


CHECKPOINT_WAIT_MS = 1000


def checkpoint() -> bool:
    """Copy the write-ahead log into the database file and truncate it (SQLite), so old
    page images holding plain text leave the log too. Call after committing. Waits at
    most :data:`CHECKPOINT_WAIT_MS` for readers to finish; ``False`` when some still
    read (the log is then truncated at a later checkpoint, and SQLite reuses it from
    its start once every reader has moved on)."""
    if db.engine.dialect.name != "sqlite":
        return True
    raw = db.engine.raw_connection()
    try:
        connection = raw.driver_connection
        connection.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    finally:
        raw.close()
    return not busy


# --- generations: after an administrator's password reset ------------------------------------

def _sealed_in(model: type, generations: list[bytes]):
    return func.substr(model.sealed, 1, GENERATION_BYTES).in_(generations)


def _rows_of(owner: User, generations: list[bytes]) -> list[tuple[type, object, Select]]:
    """``(model, id column, statement)`` for the owner's rows sealed in ``generations``:
    tags first (they may merge), then prompts, entries and reframes."""
    return [
        (Tag, Tag.id, owned(Tag, owner, with_hidden=True).where(_sealed_in(Tag, generations))),
        (Prompt, Prompt.id, own_prompts(owner, with_hidden=True)
         .where(_sealed_in(Prompt, generations))),
        (Entry, Entry.id, owned(Entry, owner, with_hidden=True)
         .where(_sealed_in(Entry, generations))),
        (Reframe, Reframe.entry_id, owned(Entry, owner, with_hidden=True)
         .with_only_columns(Reframe).select_from(Entry)
         .join(Reframe, Reframe.entry_id == Entry.id).where(_sealed_in(Reframe, generations))),
        (ImportJob, ImportJob.id, owned(ImportJob, owner, with_hidden=True)
         .where(_sealed_in(ImportJob, generations))),
        (PendingImport, PendingImport.id, owned(PendingImport, owner, with_hidden=True)
         .where(_sealed_in(PendingImport, generations))),
    ]


def count_locked_entries(owner: User, generations: list[bytes]) -> int:
    if not generations:
        return 0
    return db.session.scalar(owned(Entry, owner, with_hidden=True)
                             .with_only_columns(func.count())
                             .where(_sealed_in(Entry, generations)))


def rekey_generation(owner: User, generation: bytes) -> int:
    """Seal again under the owner's current key every row of ``generation`` whose key
    this context holds (what was written between a password reset and the recovery key
    that reopened the journal); a tag whose name the current generation has already is
    merged into it. Returns how many rows were sealed again; flushes, the caller commits."""
    count = 0
    for model, ident, statement in _rows_of(owner, [generation]):
        last = None
        while True:
            page = statement if last is None else statement.where(ident > last)
            rows = db.session.scalars(page.order_by(ident).limit(BATCH)).all()
            if not rows:
                break
            last = getattr(rows[-1], ident.key)
            readable = [row for row in rows if not row.unreadable]
            if model is Tag:
                _rekey_tags(owner, readable)
            else:
                for row in readable:
                    row.mark_for_sealing()
                    if isinstance(row, ImportJob | PendingImport):
                        row.keep_file(row.opened_file())
            db.session.flush()
            if model is Entry:
                index_entries(db.session.connection(), [row.id for row in readable])
            count += len(readable)
    return count


def _rekey_tags(owner: User, tags: list[Tag]) -> None:
    for tag in tags:
        existing = tags_named(owner, [tag.name], with_hidden=True).get(tag.name)
        if existing is None or existing.id == tag.id:
            tag.mark_for_sealing()
            continue
        moved = list(db.session.scalars(select(EntryTag.entry_id).where(
            EntryTag.tag_id == tag.id)))
        db.session.execute(insert(EntryTag).from_select(
            ["entry_id", "tag_id"],
            select(EntryTag.entry_id, literal(existing.id)).where(
                EntryTag.tag_id == tag.id, EntryTag.entry_id.not_in(
                    select(EntryTag.entry_id).where(EntryTag.tag_id == existing.id)))))
        db.session.delete(tag)
        db.session.flush()
        refresh_tag_counts(owner.id, [existing.id])
        entries_retagged(owner.id, moved)


def delete_locked_rows(owner: User, generations: list[bytes]) -> int:
    """Delete the owner's rows sealed in ``generations`` (locked for good: the person
    chose to let them go). Returns how many entries went; flushes, the caller commits."""
    deleted = 0
    for model, _, statement in _rows_of(owner, generations)[::-1]:
        if model is Reframe:
            continue  # they go with their entries (after the imports that wrote some)
        while rows := db.session.scalars(statement.limit(BATCH)).all():
            for row in rows:
                db.session.delete(row)
            db.session.flush()
            deleted += len(rows) if model is Entry else 0
    return deleted
