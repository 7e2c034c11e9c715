"""Reading one owner's journal for an export, in batches that keep memory flat.

Every query here is scoped to the owner through :mod:`journal.ownership` (built-in
prompts are shared; only which ones the owner hid is read). Rows come back as
plain column rows, never ORM objects, so nothing accumulates in the session however
many entries there are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.engine import Row

from journal.extensions import db
from journal.models import REFRAME, Entry, EntryTag, Prompt, PromptHide, Reframe, Tag, User
from journal.ownership import own_prompts, owned, visible_links
from journal.timezones import zone_for

BATCH_SIZE = 500

_REFRAME_COLUMNS = (*Reframe.TEXT_FIELDS, "belief_before", "belief_after")


@dataclass(frozen=True)
class ExportOwner:
    """Whose journal is exported and the clock its local dates and times are read on."""

    id: int
    username: str
    timezone: str | None  # the account's setting; None means the server's zone
    zone: tzinfo

    @classmethod
    def of(cls, user: User) -> ExportOwner:
        """Needs an application context (the server's zone comes from the config)."""
        return cls(id=user.id, username=user.username, timezone=user.timezone,
                   zone=zone_for(user))


@dataclass(slots=True)
class EntryRecord:
    """One entry with everything an export writes about it."""

    id: int
    created_at: datetime
    updated_at: datetime
    title: str | None
    body: str
    starred: bool
    is_win: bool
    win_part: str | None
    prompt_text: str | None  # the prompt's text when it was answered; None: no prompt
    prompt_key: str | None  # the built-in prompt's permanent key
    own_prompt_id: int | None  # the owner's own prompt
    tags: list[tuple[str, str]]  # (canonical name, display name), sorted by name
    reframe: dict[str, Any] | None  # the guided fields; set exactly for reframe entries


class EntryReader:
    """The owner's entries oldest first, read ``batch_size`` at a time by keyset on
    ``(created_at, id)``; each batch costs three queries (entries with their prompt,
    their tags, their reframes). ``count`` says how many have been handed out so far."""

    def __init__(self, owner_id: int, batch_size: int = BATCH_SIZE):
        self.owner_id = owner_id
        self.batch_size = batch_size
        self.count = 0

    def __iter__(self) -> Iterator[EntryRecord]:
        for batch in self.batches():
            for record in batch:
                self.count += 1
                yield record

    def batches(self) -> Iterator[list[EntryRecord]]:
        """Lists of at most ``batch_size`` records; the previous list is not kept."""
        after: tuple[datetime, int] | None = None
        while True:
            statement = self._entries()
            if after is not None:
                statement = statement.where(tuple_(Entry.created_at, Entry.id) > tuple_(*after))
            rows = db.session.execute(statement).all()
            if not rows:
                return
            ids = [row.id for row in rows]
            tags = self._tags(ids)
            reframes = self._reframes(ids)
            yield [self._record(row, tags.get(row.id, []), reframes.get(row.id))
                   for row in rows]
            if len(rows) < self.batch_size:
                return
            after = (rows[-1].created_at, rows[-1].id)

    def _entries(self):
        return (owned(Entry, self.owner_id)
                .with_only_columns(Entry.id, Entry.created_at, Entry.updated_at, Entry.title,
                                   Entry.body, Entry.starred, Entry.kind, Entry.is_win,
                                   Entry.win_part, Entry.prompt_id, Entry.prompt_text,
                                   Prompt.key.label("prompt_key"),
                                   Prompt.owner_id.label("prompt_owner_id"),
                                   Prompt.text.label("current_prompt_text"),
                                   maintain_column_froms=True)
                .outerjoin(Prompt, Prompt.id == Entry.prompt_id)
                .order_by(Entry.created_at.asc(), Entry.id.asc())
                .limit(self.batch_size))

    def _tags(self, ids: list[int]) -> dict[int, list[tuple[str, str]]]:
        statement = (owned(Tag, self.owner_id)
                     .with_only_columns(EntryTag.entry_id, Tag.name, Tag.display_name,
                                        maintain_column_froms=True)
                     .join(EntryTag, EntryTag.tag_id == Tag.id)
                     .where(EntryTag.entry_id.in_(ids)))
        tags: dict[int, list[tuple[str, str]]] = {}
        for entry_id, name, display_name in db.session.execute(statement):
            tags.setdefault(entry_id, []).append((name, display_name))
        for pairs in tags.values():
            pairs.sort()  # by code point, the same on every database
        return tags

    def _reframes(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        columns = [getattr(Reframe, name) for name in _REFRAME_COLUMNS]
        statement = (owned(Entry, self.owner_id)
                     .with_only_columns(Reframe.entry_id, *columns, maintain_column_froms=True)
                     .join(Reframe, Reframe.entry_id == Entry.id)
                     .where(Entry.id.in_(ids)))
        return {row[0]: dict(zip(_REFRAME_COLUMNS, row[1:], strict=True))
                for row in db.session.execute(statement)}

    def _record(self, row: Row, tags: list[tuple[str, str]],
                reframe: dict[str, Any] | None) -> EntryRecord:
        if row.kind == REFRAME:
            blank = dict.fromkeys(Reframe.TEXT_FIELDS, "") | {"belief_before": None,
                                                              "belief_after": None}
            reframe = {name: value if value is not None else blank[name]
                       for name, value in (reframe or blank).items()}
        else:
            reframe = None
        own_prompt = row.prompt_owner_id is not None and row.prompt_owner_id == self.owner_id
        builtin = row.prompt_id is not None and row.prompt_owner_id is None
        prompt_text = row.prompt_text
        if prompt_text is None and (own_prompt or builtin):
            prompt_text = row.current_prompt_text
        return EntryRecord(
            id=row.id, created_at=row.created_at, updated_at=row.updated_at, title=row.title,
            body=row.body or "", starred=bool(row.starred), is_win=bool(row.is_win),
            win_part=row.win_part, prompt_text=prompt_text,
            prompt_key=row.prompt_key if builtin else None,
            own_prompt_id=row.prompt_id if own_prompt else None, tags=tags, reframe=reframe)


def own_prompt_rows(owner_id: int) -> list[Row]:
    """The owner's own prompts, archived ones included, oldest first."""
    return db.session.execute(
        own_prompts(owner_id)
        .with_only_columns(Prompt.id, Prompt.text, Prompt.theme, Prompt.why,
                           Prompt.created_at, Prompt.updated_at, Prompt.retired_at)
        .order_by(Prompt.created_at.asc(), Prompt.id.asc())).all()


def hidden_prompt_keys(owner_id: int) -> list[str]:
    """Keys of the built-in prompts the owner hid, sorted."""
    return list(db.session.scalars(
        select(Prompt.key)
        .join(PromptHide, PromptHide.prompt_id == Prompt.id)
        .where(PromptHide.user_id == owner_id, Prompt.owner_id.is_(None),
               Prompt.key.is_not(None))
        .order_by(Prompt.key)))


def owner_tags(owner_id: int) -> list[Row]:
    """Every tag of the owner as ``(name, display_name, created_at)``, sorted by name
    (by code point, whatever the database's collation)."""
    rows = db.session.execute(
        owned(Tag, owner_id).with_only_columns(Tag.name, Tag.display_name, Tag.created_at))
    return sorted(rows, key=lambda row: row.name)


def tag_counts(owner_id: int) -> list[tuple[str, int]]:
    """``(tag name, number of the owner's entries under it)``, sorted by name (by code
    point); tags no entry uses are left out."""
    statement = (owned(Tag, owner_id)
                 .with_only_columns(Tag.name, func.count(EntryTag.entry_id),
                                    maintain_column_froms=True)
                 .join(EntryTag, EntryTag.tag_id == Tag.id)
                 .where(visible_links(owner_id))
                 .group_by(Tag.name))
    return sorted((name, count) for name, count in db.session.execute(statement))


def entry_count(owner_id: int) -> int:
    """How many entries the owner has."""
    return db.session.scalar(
        owned(Entry, owner_id).with_only_columns(func.count(Entry.id))) or 0
