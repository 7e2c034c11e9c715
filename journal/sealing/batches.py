"""Sealing what an account wrote before encryption, batch by batch. Functions add and
flush; the caller commits after each batch."""

import time

from sqlalchemy import Select, func, or_, select, text

from journal.extensions import db
from journal.fulltext.index import index_entries
from journal.models import Entry, Prompt, Reframe, Tag, User, utcnow
from journal.ownership import own_prompts, owned

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
    if owner.sealed_at is not None:
        checkpoint()
    return owner.sealed_at is not None


def clear_plain_traces() -> None:
    """On SQLite, merge the search index's segments so the old documents' words are
    dropped (freed pages are zeroed: the connections run with ``secure_delete``). The
    write-ahead log is truncated after the caller commits, at the next checkpoint
    (:func:`checkpoint`). PostgreSQL: nothing here; dead rows go with vacuum."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        connection.execute(text("INSERT INTO entries_fts(entries_fts) VALUES ('optimize')"))


def checkpoint() -> None:
    """Copy the write-ahead log into the database file and truncate it (SQLite), so old
    page images holding plain text leave the log too. Call after committing."""
    if db.engine.dialect.name != "sqlite":
        return
    raw = db.engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        raw.close()
