"""Reading one owner's journal for an export, in batches that keep memory flat.

Every query here is scoped to the owner through :mod:`journal.ownership` (built-in
prompts are shared; only which ones the owner hid is read). What a person wrote is
sealed (:mod:`journal.models.sealed`), so entries, reframes, tags and own prompts are
read as ORM objects and opened with the key this request or command holds. Entries come
``batch_size`` at a time and leave the session once their batch is turned into
records, so nothing accumulates however many entries there are; tags and prompts,
which are few, are opened once per export and kept.

A row that does not open (``row.unreadable``) never stops an export: an entry becomes a
placeholder with its date (:attr:`EntryRecord.unreadable` says why), a tag or an own
prompt is left out, and :class:`Unopened` counts them for the file to say how many.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import func, select, tuple_

from journal.extensions import db
from journal.models import REFRAME, Entry, EntryTag, Prompt, PromptHide, Reframe, Tag, User
from journal.models.entries import UNREADABLE_TITLES
from journal.ownership import own_prompts, owned, visible_links
from journal.timezones import zone_for

BATCH_SIZE = 500

_REFRAME_FIELDS = (*Reframe.TEXT_FIELDS, "belief_before", "belief_after")
_BLANK_REFRAME = dict.fromkeys(Reframe.TEXT_FIELDS, "") | {"belief_before": None,
                                                           "belief_after": None}

# What a placeholder entry says in place of the text it could not open.
PLACEHOLDER_BODIES = {
    "locked": ("This entry could not be opened: it is sealed under a key this export did "
               "not hold (it was written before a password reset). Open the journal with "
               "your recovery key under Settings, then export again."),
    "damaged": ("This entry could not be opened: its stored text was changed or cut short "
                "since it was written. Restore a backup from before the damage to get it "
                "back."),
}


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


@dataclass
class Unopened:
    """How many rows of each kind an export could not open (and so wrote as
    placeholders, or left out)."""

    entries: int = 0
    tags: int = 0
    prompts: int = 0

    @property
    def any(self) -> bool:
        return bool(self.entries or self.tags or self.prompts)

    def as_dict(self) -> dict[str, int]:
        return {"entries": self.entries, "tags": self.tags, "prompts": self.prompts}

    def sentence(self) -> str:
        """``2 entries and 1 tag could not be opened``, for a person; empty when none."""
        parts = [f"{count:,} {one if count == 1 else many}" for count, one, many in (
            (self.entries, "entry", "entries"), (self.tags, "tag", "tags"),
            (self.prompts, "own prompt", "own prompts")) if count]
        if not parts:
            return ""
        listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
        return f"{listed} could not be opened"


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
    # "locked" or "damaged" when the entry (or its reframe) did not open: a placeholder.
    unreadable: str | None = None


@dataclass(frozen=True)
class _PromptInfo:
    key: str | None
    owner_id: int | None
    text: str | None  # None: an own prompt that did not open


@dataclass
class OwnPrompt:
    """One of the owner's own prompts, opened."""

    id: int
    text: str
    theme: str
    why: str | None
    created_at: datetime
    updated_at: datetime
    retired_at: datetime | None


@dataclass
class OwnerTag:
    """One of the owner's tags, opened."""

    id: int
    name: str
    display_name: str
    created_at: datetime


@dataclass
class _Tags:
    by_id: dict[int, tuple[str, str]] = field(default_factory=dict)
    rows: list[OwnerTag] = field(default_factory=list)


class EntryReader:
    """The owner's entries oldest first, read ``batch_size`` at a time by keyset on
    ``(created_at, id)``; each batch costs three queries (the entries, their reframes,
    their tag links). ``count`` says how many have been handed out so far and
    ``unopened`` how many rows did not open (entries as they are handed out, tags and
    own prompts once :meth:`tags` or :meth:`own_prompts` has read them)."""

    def __init__(self, owner_id: int, batch_size: int = BATCH_SIZE):
        self.owner_id = owner_id
        self.batch_size = batch_size
        self.count = 0
        self.unopened = Unopened()
        self._tags: _Tags | None = None
        self._own_prompts: list[OwnPrompt] | None = None
        self._prompts: dict[int, _PromptInfo] | None = None

    def __iter__(self) -> Iterator[EntryRecord]:
        for batch in self.batches():
            for record in batch:
                self.count += 1
                if record.unreadable:
                    self.unopened.entries += 1
                yield record

    # --- tags and prompts: few, opened once ----------------------------------------------

    def tags(self) -> list[OwnerTag]:
        """Every tag of the owner that opens, sorted by name (by code point)."""
        return self._tag_table().rows

    def _tag_table(self) -> _Tags:
        if self._tags is None:
            table = _Tags()
            for tag in db.session.scalars(owned(Tag, self.owner_id)):
                if tag.unreadable:
                    self.unopened.tags += 1
                else:
                    table.rows.append(OwnerTag(tag.id, tag.name, tag.display_name,
                                               tag.created_at))
                    table.by_id[tag.id] = (tag.name, tag.display_name)
            table.rows.sort(key=lambda tag: tag.name)
            self._tags = table
        return self._tags

    def own_prompts(self) -> list[OwnPrompt]:
        """The owner's own prompts that open, archived ones included, oldest first."""
        self._prompt_table()
        return self._own_prompts

    def _prompt_table(self) -> dict[int, _PromptInfo]:
        if self._prompts is None:
            prompts: dict[int, _PromptInfo] = {}
            own: list[OwnPrompt] = []
            for prompt in db.session.scalars(
                    own_prompts(self.owner_id).order_by(Prompt.created_at, Prompt.id)):
                if prompt.unreadable:
                    self.unopened.prompts += 1
                    prompts[prompt.id] = _PromptInfo(None, self.owner_id, None)
                else:
                    own.append(OwnPrompt(prompt.id, prompt.text, prompt.theme, prompt.why,
                                         prompt.created_at, prompt.updated_at,
                                         prompt.retired_at))
                    prompts[prompt.id] = _PromptInfo(None, self.owner_id, prompt.text)
            for prompt in db.session.scalars(select(Prompt).where(Prompt.owner_id.is_(None))):
                prompts[prompt.id] = _PromptInfo(prompt.key, None, prompt.text)
            self._prompts, self._own_prompts = prompts, own
        return self._prompts

    # --- entries: in batches -------------------------------------------------------------

    def batches(self) -> Iterator[list[EntryRecord]]:
        """Lists of at most ``batch_size`` records; the previous list is not kept, and
        the batch's rows leave the session before the list is handed out."""
        tags = self._tag_table().by_id
        prompts = self._prompt_table()
        after: tuple[datetime, int] | None = None
        while True:
            statement = (owned(Entry, self.owner_id)
                         .order_by(Entry.created_at.asc(), Entry.id.asc())
                         .limit(self.batch_size))
            if after is not None:
                statement = statement.where(tuple_(Entry.created_at, Entry.id) > tuple_(*after))
            entries = db.session.scalars(statement).all()
            if not entries:
                return
            links = self._links([entry.id for entry in entries], tags)
            batch = [self._record(entry, links.get(entry.id, []), prompts)
                     for entry in entries]
            after = (entries[-1].created_at, entries[-1].id)
            _leave_session(entries)
            gc.collect(1)
            yield batch
            if len(batch) < self.batch_size:
                return

    def _links(self, ids: list[int],
               tags: dict[int, tuple[str, str]]) -> dict[int, list[tuple[str, str]]]:
        """The opened tags of the entries ``ids`` (of this owner), sorted by name."""
        statement = (owned(Entry, self.owner_id)
                     .with_only_columns(EntryTag.entry_id, EntryTag.tag_id,
                                        maintain_column_froms=True)
                     .join(EntryTag, EntryTag.entry_id == Entry.id)
                     .where(Entry.id.in_(ids)))
        linked: dict[int, list[tuple[str, str]]] = {}
        for entry_id, tag_id in db.session.execute(statement):
            pair = tags.get(tag_id)
            if pair is not None:  # a tag that did not open, or one an import is writing
                linked.setdefault(entry_id, []).append(pair)
        for pairs in linked.values():
            pairs.sort()  # by code point, the same on every database
        return linked

    def _record(self, entry: Entry, tags: list[tuple[str, str]],
                prompts: dict[int, _PromptInfo]) -> EntryRecord:
        unreadable = entry.unreadable
        if unreadable:
            return EntryRecord(
                id=entry.id, created_at=entry.created_at, updated_at=entry.updated_at,
                title=UNREADABLE_TITLES[unreadable], body=PLACEHOLDER_BODIES[unreadable],
                starred=bool(entry.starred), is_win=bool(entry.is_win), win_part=None,
                prompt_text=None, prompt_key=None, own_prompt_id=None, tags=tags,
                reframe=None, unreadable=unreadable)
        reframe = None
        if entry.kind == REFRAME:
            guided = entry.reframe
            if guided is not None and guided.unreadable:
                unreadable = guided.unreadable
                guided = None
            reframe = dict(_BLANK_REFRAME)
            if guided is not None:
                for name in _REFRAME_FIELDS:
                    value = getattr(guided, name)
                    if value is not None:
                        reframe[name] = value
        prompt = prompts.get(entry.prompt_id) if entry.prompt_id is not None else None
        own_prompt = (prompt is not None and prompt.owner_id == self.owner_id
                      and prompt.text is not None)
        builtin = prompt is not None and prompt.owner_id is None
        prompt_text = entry.prompt_text
        if prompt_text is None and (own_prompt or builtin):
            prompt_text = prompt.text
        return EntryRecord(
            id=entry.id, created_at=entry.created_at, updated_at=entry.updated_at,
            title=entry.title, body=entry.body or "", starred=bool(entry.starred),
            is_win=bool(entry.is_win), win_part=entry.win_part, prompt_text=prompt_text,
            prompt_key=prompt.key if builtin else None,
            own_prompt_id=entry.prompt_id if own_prompt else None, tags=tags,
            reframe=reframe, unreadable=unreadable)


def _leave_session(entries: list[Entry]) -> None:
    """Take a batch's entries (and their reframes, by cascade) out of the session, so
    the identity map does not grow with the export. An entry and its reframe point at
    each other, so once dropped they wait for the cycle collector: collecting the young
    generations after each batch (cheap, the batch is most of them) keeps an export of
    100,000 entries at the memory of one of a few thousand."""
    for entry in entries:
        db.session.expunge(entry)
    entries.clear()


def hidden_prompt_keys(owner_id: int) -> list[str]:
    """Keys of the built-in prompts the owner hid, sorted."""
    return list(db.session.scalars(
        select(Prompt.key)
        .join(PromptHide, PromptHide.prompt_id == Prompt.id)
        .where(PromptHide.user_id == owner_id, Prompt.owner_id.is_(None),
               Prompt.key.is_not(None))
        .order_by(Prompt.key)))


def tag_counts(reader: EntryReader) -> list[tuple[str, int]]:
    """``(tag name, number of the owner's entries under it)``, sorted by name (by code
    point); tags no entry uses, and tags that do not open, are left out."""
    names = {tag.id: tag.name for tag in reader.tags()}
    statement = (owned(Tag, reader.owner_id)
                 .with_only_columns(Tag.id, func.count(EntryTag.entry_id),
                                    maintain_column_froms=True)
                 .join(EntryTag, EntryTag.tag_id == Tag.id)
                 .where(visible_links(reader.owner_id))
                 .group_by(Tag.id))
    return sorted((names[tag_id], count) for tag_id, count in db.session.execute(statement)
                  if tag_id in names)


def entry_count(owner_id: int) -> int:
    """How many entries the owner has."""
    return db.session.scalar(
        owned(Entry, owner_id).with_only_columns(func.count(Entry.id))) or 0
