"""How many visible entries carry each tag (``Tag.entry_count``)."""

from collections.abc import Iterable

from sqlalchemy import func, select, update

from journal.extensions import db
from journal.models import EntryTag, Tag
from journal.ownership import visible_links

_tags = Tag.__table__


def _link_count(owner_id: int):
    return (select(func.count()).select_from(EntryTag)
            .where(EntryTag.tag_id == _tags.c.id, visible_links(owner_id))
            .correlate(_tags).scalar_subquery())


def refresh_tag_counts(owner_id: int, tag_ids: Iterable[int] | None = None) -> None:
    """Recount the entries of the owner's tags ``tag_ids`` (all of them when ``None``)."""
    statement = update(_tags).where(_tags.c.owner_id == owner_id)
    if tag_ids is not None:
        ids = sorted({tag_id for tag_id in tag_ids if tag_id is not None})
        if not ids:
            return
        statement = statement.where(_tags.c.id.in_(ids))
    db.session.connection().execute(statement.values(entry_count=_link_count(owner_id)))


def counted_tag_counts(owner_id: int) -> dict[int, int]:
    """Every tag of the owner with its visible entries counted afresh."""
    return dict(db.session.connection().execute(
        select(_tags.c.id, _link_count(owner_id)).where(_tags.c.owner_id == owner_id)).all())


def stored_tag_counts(owner_id: int) -> dict[int, int]:
    """Every tag of the owner with its stored count."""
    return dict(db.session.connection().execute(
        select(_tags.c.id, _tags.c.entry_count).where(_tags.c.owner_id == owner_id)).all())
