"""Brings the built-in prompts in the database in line with the library file.

Idempotent: running it twice changes nothing the second time. A prompt keeps its
row (and so its answers) for as long as its key exists; edited text updates in
place; a prompt removed from the file is retired, never deleted, so entries that
answered it keep their link and their copy of its text.

Built-ins belong to nobody, so they are stored plain (no ``uid``, no ``sealed``; see
:mod:`journal.models.sealed`) and compared and written here with Core on the table's
own columns. Only rows without an owner are read or written: a person's own prompts,
sealed, are never touched.
"""

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from journal.models import Prompt, utcnow
from journal.prompts.library import Library, load_library


@dataclass(frozen=True)
class SyncResult:
    added: int = 0
    updated: int = 0
    retired: int = 0
    restored: int = 0

    def __str__(self) -> str:
        return (f"{self.added} added, {self.updated} updated, {self.retired} retired, "
                f"{self.restored} restored")


def sync_prompts(connection: Connection, library: Library | None = None) -> SyncResult:
    """Apply ``library`` (the package's file by default) through ``connection``; the
    caller owns the transaction."""
    library = library or load_library()
    table = Prompt.__table__
    now = utcnow()
    existing = {
        row.key: row
        for row in connection.execute(
            select(table.c.id, table.c.key, table.c.theme, table.c.text, table.c.why,
                   table.c.retired_at)
            .where(table.c.key.is_not(None), table.c.owner_id.is_(None)))
    }
    added = updated = restored = 0
    for prompt in library.prompts:
        row = existing.pop(prompt.key, None)
        if row is None:
            connection.execute(table.insert().values(
                key=prompt.key, theme=prompt.theme, text=prompt.text, why=prompt.why,
                created_at=now, updated_at=now))
            added += 1
            continue
        changes = {}
        if (row.theme, row.text, row.why) != (prompt.theme, prompt.text, prompt.why):
            changes.update(theme=prompt.theme, text=prompt.text, why=prompt.why)
            updated += 1
        if row.retired_at is not None:
            changes["retired_at"] = None
            restored += 1
        if changes:
            connection.execute(update(table).where(table.c.id == row.id)
                               .values(updated_at=now, **changes))
    gone = [row.id for row in existing.values() if row.retired_at is None]
    if gone:
        connection.execute(update(table).where(table.c.id.in_(gone))
                           .values(retired_at=now, updated_at=now))
    return SyncResult(added, updated, len(gone), restored)
