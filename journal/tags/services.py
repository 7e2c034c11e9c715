"""Writes for tags: rename (which merges into an existing tag) and delete. Functions add
and flush; the view commits.

Renaming or deleting a tag on many entries also rewrites their bodies (inline tags),
versions and search documents. That part is returned as a :class:`BodyRewrite` that
the view carries out with :func:`rewrite_batches`, committing after each batch, so no
transaction holds the database's write lock for long; the first batch shares the
transaction of the tag change itself, so a small rename is one transaction as before.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select

from journal.extensions import db
from journal.fulltext.index import index_entries
from journal.models import Entry, EntryTag, Tag, User, utcnow
from journal.ownership import owned
from journal.tags.lookup import subtree, tags_named
from journal.tags.names import InvalidTag, canonical_tag, display_form, rename_inline_tags
from journal.totals import entries_retagged, lock_owner, refresh_tag_counts

BODY_BATCH = 500


@dataclass
class BodyRewrite:
    """Bodies still to rewrite after a tag change, and their versions to raise."""

    owner: User
    rewrite: Callable[[str], str]
    entry_ids: list[int] = field(default_factory=list)


def rewrite_batches(work: BodyRewrite) -> Iterator[int]:
    """Rewrite the bodies ``BODY_BATCH`` entries at a time, yielding after each flushed
    batch (how many entries it held) for the caller to commit."""
    for first in range(0, len(work.entry_ids), BODY_BATCH):
        chunk = work.entry_ids[first:first + BODY_BATCH]
        _rewrite_bodies(work.owner, chunk, work.rewrite)
        yield len(chunk)


def rename_tag(owner: User, old: str, raw_new: str) -> tuple[str, bool, BodyRewrite]:
    """Rename tag ``old`` and its children to ``raw_new`` (``work/launch`` becomes
    ``job/launch``), merging into tags that already exist. Returns ``(new canonical
    name, merged?, the bodies to rewrite)``: inline ``#old`` becomes ``#new``.

    Raises :class:`InvalidTag` when the new name, or a child's new name, is invalid.
    """
    new = canonical_tag(raw_new)
    lock_owner(owner.id)
    if new == old:
        shown = display_form(raw_new)
        for tag in tags_named(owner, [old]).values():
            tag.display_name = shown
        db.session.flush()
        return new, False, BodyRewrite(owner, str)
    if new.startswith(old + "/"):
        raise InvalidTag(raw_new, "a tag cannot move inside itself.")
    new_display = display_form(raw_new)
    sources = subtree(owner, old)
    affected_entries = set(db.session.scalars(
        select(EntryTag.entry_id).where(EntryTag.tag_id.in_([tag.id for tag in sources]))))
    merged, merged_into = False, []
    for tag in sources:
        target_name = new + tag.name[len(old):]
        canonical_tag(target_name)  # raises if a child's new name would be too long
        target = tags_named(owner, [target_name]).get(target_name)
        if target is None:
            if tag.name == old:
                tag.display_name = new_display
            else:  # keep the child levels as they were written
                child = tag.display_name.split("/", old.count("/") + 1)[-1]
                tag.display_name = f"{new_display}/{child}"[:64]
            tag.name = target_name
            continue
        merged = True
        already = select(EntryTag.entry_id).where(EntryTag.tag_id == target.id)
        db.session.execute(
            insert(EntryTag).from_select(
                ["entry_id", "tag_id"],
                select(EntryTag.entry_id, target.id)
                .where(EntryTag.tag_id == tag.id, EntryTag.entry_id.not_in(already)),
            )
        )
        db.session.delete(tag)
        merged_into.append(target.id)
    db.session.flush()
    refresh_tag_counts(owner.id, merged_into)
    if merged:
        entries_retagged(owner.id, sorted(affected_entries))
    return new, merged, BodyRewrite(owner, lambda body: rename_inline_tags(body, old, new),
                                    sorted(affected_entries))


def delete_tag(owner: User, tag: Tag) -> tuple[int, BodyRewrite]:
    """Remove ``tag`` from its entries (they stay). Returns the entry count and the
    bodies to rewrite: inline ``#tag`` becomes plain words, so the tag does not come
    back on the next save."""
    entry_ids = set(db.session.scalars(select(EntryTag.entry_id).where(EntryTag.tag_id == tag.id)))
    name = tag.name
    db.session.execute(delete(EntryTag).where(EntryTag.tag_id == tag.id))
    db.session.delete(tag)
    db.session.flush()
    return len(entry_ids), BodyRewrite(
        owner, lambda body: rename_inline_tags(body, name, None, exact=True), sorted(entry_ids))


def _rewrite_bodies(owner: User, entry_ids, rewrite) -> None:
    """Apply ``rewrite`` to the bodies of the entries whose tags just changed, and raise
    each one's version: an editor opened before the change holds the old tags (and maybe
    the old text), so saving it must be a conflict, not a silent undo."""
    if not entry_ids:
        return
    entries = db.session.scalars(owned(Entry, owner).where(Entry.id.in_(entry_ids)))
    for entry in entries:
        entry.body = rewrite(entry.body)
        entry.version += 1
        entry.updated_at = utcnow()
    db.session.flush()
    index_entries(db.session.connection(), entry_ids)


__all__ = ["BodyRewrite", "InvalidTag", "delete_tag", "rename_tag", "rewrite_batches"]
