"""Writes for tags: rename (which merges into an existing tag) and delete. Functions add
and flush; the view commits."""

from sqlalchemy import delete, insert, select

from journal.extensions import db
from journal.fulltext.index import index_entries
from journal.models import Entry, EntryTag, Tag, User, utcnow
from journal.ownership import owned, owned_update
from journal.tags.names import InvalidTag, canonical_tag, display_form, rename_inline_tags
from journal.tags.queries import subtree_condition


def rename_tag(owner: User, old: str, raw_new: str) -> tuple[str, bool]:
    """Rename tag ``old`` and its children to ``raw_new`` (``work/launch`` becomes
    ``job/launch``), merging into tags that already exist, and rewrite inline
    ``#old`` in the bodies. Returns ``(new canonical name, merged?)``.

    Raises :class:`InvalidTag` when the new name, or a child's new name, is invalid.
    """
    new = canonical_tag(raw_new)
    if new == old:
        shown = display_form(raw_new)
        db.session.execute(owned_update(Tag, owner).where(Tag.name == old)
                           .values(display_name=shown))
        return new, False
    if new.startswith(old + "/"):
        raise InvalidTag(raw_new, "a tag cannot move inside itself.")
    new_display = display_form(raw_new)
    sources = list(db.session.scalars(owned(Tag, owner).where(subtree_condition(old))))
    affected_entries = set(db.session.scalars(
        select(EntryTag.entry_id).where(EntryTag.tag_id.in_([tag.id for tag in sources]))))
    merged = False
    for tag in sources:
        target_name = new + tag.name[len(old):]
        canonical_tag(target_name)  # raises if a child's new name would be too long
        target = db.session.scalar(owned(Tag, owner).where(Tag.name == target_name))
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
    db.session.flush()
    _rewrite_bodies(owner, affected_entries, lambda body: rename_inline_tags(body, old, new))
    return new, merged


def delete_tag(owner: User, tag: Tag) -> int:
    """Remove ``tag`` from its entries (they stay) and turn inline ``#tag`` into plain
    words so the tag does not come back on the next save. Returns the entry count."""
    entry_ids = set(db.session.scalars(select(EntryTag.entry_id).where(EntryTag.tag_id == tag.id)))
    name = tag.name
    db.session.execute(delete(EntryTag).where(EntryTag.tag_id == tag.id))
    db.session.delete(tag)
    db.session.flush()
    _rewrite_bodies(owner, entry_ids,
                    lambda body: rename_inline_tags(body, name, None, exact=True))
    return len(entry_ids)


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


__all__ = ["InvalidTag", "delete_tag", "rename_tag"]
