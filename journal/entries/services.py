"""Writes for entries. Functions add and flush; the view commits."""

from datetime import datetime

from sqlalchemy import exists, select

from journal.extensions import db
from journal.fulltext.index import index_entries
from journal.models import NOTE, REFRAME, Entry, EntryTag, Prompt, Reframe, Tag, User, utcnow
from journal.ownership import owned_delete
from journal.tags.lookup import tags_named
from journal.words import count_words


def _tags_for(owner_id: int, pairs: list[tuple[str, str]]) -> list[Tag]:
    """The owner's Tag rows for ``(canonical, display)`` pairs, creating missing ones.
    A tag an unfinished import created is taken over: it is the owner's from now on."""
    if not pairs:
        return []
    existing = tags_named(owner_id, [name for name, _ in pairs], with_hidden=True)
    for tag in existing.values():
        tag.import_job_id = None
    tags = []
    for name, shown in pairs:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(owner_id=owner_id, name=name, display_name=shown[:64] or name)
            db.session.add(tag)
            existing[name] = tag
        tags.append(tag)
    return tags


def create_entry(owner: User, *, title: str | None, body: str,
                 tags: list[tuple[str, str]], starred: bool = False,
                 created_at: datetime | None = None, prompt: Prompt | None = None,
                 is_win: bool = False, win_part: str | None = None,
                 reframe: dict | None = None) -> Entry:
    """Add an entry for ``owner`` with the given ``(canonical, display)`` tags. With
    ``prompt`` the entry keeps the prompt's current text; with ``reframe`` (the guided
    fields) it is a reframe entry."""
    moment = created_at or utcnow()
    entry = Entry(owner_id=owner.id, title=(title or "").strip() or None, body=body or "",
                  starred=starred, created_at=moment, updated_at=moment, version=1,
                  kind=REFRAME if reframe is not None else NOTE)
    if prompt is not None:
        entry.prompt_id, entry.prompt_text = prompt.id, prompt.text
    _set_win(entry, is_win, win_part)
    if reframe is not None:
        entry.reframe = Reframe(**reframe)
    entry.tags = _tags_for(owner.id, tags)
    _count_entry_words(entry)
    db.session.add(entry)
    db.session.flush()
    index_entries(db.session.connection(), [entry.id])
    return entry


def update_entry(entry: Entry, *, title: str | None, body: str,
                 tags: list[tuple[str, str]], is_win: bool = False,
                 win_part: str | None = None, reframe: dict | None = None) -> Entry:
    """Replace an entry's text, tags, win and guided fields and raise its version. The
    prompt it answered and its kind stay as they were."""
    entry.title = (title or "").strip() or None
    entry.body = body or ""
    _set_win(entry, is_win, win_part)
    if reframe is not None and entry.reframe is not None:
        for name, value in reframe.items():
            setattr(entry.reframe, name, value)
    entry.tags = _tags_for(entry.owner_id, tags)
    _count_entry_words(entry)
    entry.version += 1
    entry.updated_at = utcnow()
    db.session.flush()
    remove_unused_tags(entry.owner_id)
    index_entries(db.session.connection(), [entry.id])
    return entry


def _count_entry_words(entry: Entry) -> None:
    reframe = entry.reframe
    guided = [getattr(reframe, name) for name in Reframe.TEXT_FIELDS] if reframe else []
    entry.word_count = count_words(entry.body, entry.win_part, *guided)


def _set_win(entry: Entry, is_win: bool, win_part: str | None) -> None:
    """A win keeps the user's part in it; an entry that is not a win keeps the text too,
    so unticking and ticking again loses nothing."""
    entry.is_win = bool(is_win)
    entry.win_part = (win_part or "").strip() or None


def set_win(entry: Entry, *, is_win: bool, win_part: str | None) -> Entry:
    """Mark or unmark a win, or rewrite the user's part in it, from outside the editor.
    An edit like any other: the version rises (an editor opened before gets the conflict
    page rather than undoing the mark), the words are counted again and the search
    index learns the new part. Unmarking keeps the part, as the editor does."""
    _set_win(entry, is_win, win_part)
    _count_entry_words(entry)
    entry.version += 1
    entry.updated_at = utcnow()
    db.session.flush()
    index_entries(db.session.connection(), [entry.id])
    return entry


def set_starred(entry: Entry, starred: bool) -> None:
    """Star or unstar; not an edit, so the version stays and open editors are unaffected."""
    entry.starred = starred
    db.session.flush()


def delete_entry(entry: Entry) -> None:
    """Remove the entry; its search document goes with it (trigger or foreign key)."""
    owner_id = entry.owner_id
    db.session.delete(entry)
    db.session.flush()
    remove_unused_tags(owner_id)


def remove_unused_tags(owner_id: int) -> None:
    """Tags exist while some entry uses them."""
    used = exists(select(EntryTag.tag_id).where(EntryTag.tag_id == Tag.id))
    db.session.execute(
        owned_delete(Tag, owner_id).where(~used).execution_options(
            synchronize_session=False)
    )
