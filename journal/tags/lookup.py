"""Finding an owner's tags by name. Names are sealed, so a tag is found by its name's
keyed digest (``Tag.name_key``), or by its plain name while the account has not been
sealed yet; the owner's whole tag list, opened, serves everything that orders or walks
names (the tree, a tag and its children)."""

from collections.abc import Iterable

from sqlalchemy import or_
from sqlalchemy.sql.elements import ColumnElement

from journal.crypto.keyring import TAG_NAMES, blinder
from journal.extensions import db
from journal.models import Tag, User
from journal.ownership import owned


def named(owner: User | int, names: Iterable[str]) -> ColumnElement[bool]:
    """A condition on ``Tag`` for a statement already limited to one owner: its name
    is one of ``names`` (canonical)."""
    owner_id = owner if isinstance(owner, int) else owner.id
    names = list(names)
    condition = Tag.plain_name.in_(names)
    blinded = blinder(owner_id, TAG_NAMES)
    if blinded is not None:
        condition = or_(Tag.name_key.in_([blinded(name) for name in names]), condition)
    return condition


def tags_named(owner: User | int, names: Iterable[str], **scope) -> dict[str, Tag]:
    """The owner's tags among ``names``, by canonical name. ``scope`` is passed to
    :func:`journal.ownership.owned` (``with_hidden``, ``job``)."""
    names = list(names)
    if not names:
        return {}
    found = db.session.scalars(owned(Tag, owner, **scope).where(named(owner, names)))
    return {tag.name: tag for tag in found}


def all_tags(owner: User | int, **scope) -> list[Tag]:
    """The owner's tags, opened, sorted by canonical name; unreadable ones left out."""
    tags = db.session.scalars(owned(Tag, owner, **scope))
    return sorted((tag for tag in tags if not tag.unreadable), key=lambda tag: tag.name)


def in_subtree(tag_name: str, name: str) -> bool:
    """Whether ``tag_name`` is ``name`` or below it (``work/launch`` is below ``work``)."""
    return tag_name == name or tag_name.startswith(name + "/")


def subtree(owner: User | int, name: str, **scope) -> list[Tag]:
    """The owner's tags at or below ``name``, sorted by name."""
    return [tag for tag in all_tags(owner, **scope) if in_subtree(tag.name, name)]
