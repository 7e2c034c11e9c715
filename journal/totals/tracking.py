"""Keeping the totals exact at every flush.

Before a flush, the changes about to be written are read from the session: entries
added, removed or changed in what the totals count (time, words, win, visibility),
their reframes' beliefs, the tags added to or taken from an entry, and accounts whose
time zone changed. The owners concerned are locked (``SELECT ... FOR UPDATE`` on their
account row, on PostgreSQL; SQLite writes one transaction at a time anyway) so that two
writers never recount the same days from different snapshots. After the flush, with
the new rows in place, those days and tags are recounted.

Bulk writes in SQL bypass the session: they call :func:`lock_owner` first and
:func:`recount_owner` (or :func:`~journal.totals.refresh_tag_counts`) after.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, attributes

from journal.extensions import db
from journal.models import Entry, Reframe, Tag, User
from journal.ownership import owned_columns
from journal.totals.days import rebuild_days, refresh_days, zone_key
from journal.totals.tag_counts import refresh_tag_counts

PENDING = "journal.totals"
# Entry attributes the day totals depend on.
DAY_ATTRIBUTES = ("created_at", "word_count", "is_win", "import_job_id")


@dataclass
class _Owner:
    moments: set[datetime] = field(default_factory=set)
    tags: list[Tag] = field(default_factory=list)
    rebuild: bool = False


@dataclass
class _Pending:
    owners: dict[int, _Owner] = field(default_factory=dict)
    locked: set[int] = field(default_factory=set)


def lock_owner(owner_id: int) -> None:
    """Hold the owner's account row until the transaction ends (PostgreSQL), so that
    writers of the same journal take turns at the totals. A no-op on SQLite."""
    db.session.connection().execute(
        select(User.__table__.c.id).where(User.__table__.c.id == owner_id).with_for_update())


def entries_retagged(owner_id: int, entry_ids: list[int]) -> None:
    """Recount what depends on the tags of ``entry_ids`` after their links changed in
    SQL (a tag merged into another): their days' tag totals."""
    moments = set()
    for start in range(0, len(entry_ids), 500):
        moments.update(db.session.scalars(
            owned_columns(Entry, owner_id, Entry.created_at)
            .where(Entry.id.in_(entry_ids[start:start + 500]))))
    refresh_days(owner_id, moments)


def recount_owner(owner_id: int) -> None:
    """Count all of the owner's day totals and tag counts afresh (after a bulk write)."""
    lock_owner(owner_id)
    rebuild_days(owner_id)
    refresh_tag_counts(owner_id)


def ensure_counted(user: User) -> None:
    """Count ``user``'s totals afresh, and commit, when they were never counted (an
    account from before totals existed) or were counted in another zone than the one
    the account sees (the server's default zone changed since): a one-off repair that
    readers of the totals call first. Cheap when nothing is to be done."""
    if user.totals_zone == zone_key(user):
        return
    lock_owner(user.id)
    stored = db.session.connection().execute(
        select(User.__table__.c.totals_zone).where(User.__table__.c.id == user.id)).scalar()
    if stored != zone_key(user):
        recount_owner(user.id)
    db.session.commit()


def _changed(instance, names) -> bool:
    return any(attributes.get_history(instance, name).has_changes() for name in names)


def _old_values(instance, name: str) -> list:
    return [value for value in attributes.get_history(instance, name).deleted or ()
            if value is not None]


@event.listens_for(Session, "before_flush")
def _notice_changes(session: Session, _context, _instances) -> None:
    pending: _Pending = session.info.setdefault(PENDING, _Pending())
    with session.no_autoflush:
        for instance in (*session.new, *session.deleted):
            if isinstance(instance, Entry):
                _notice_entry(pending, instance, everything=True)
            elif isinstance(instance, Reframe):
                _notice_reframe(session, pending, instance, everything=True)
        for instance in session.dirty:  # a reframe's change is in its sealed fields only
            if isinstance(instance, Entry):
                _notice_entry(pending, instance)
            elif isinstance(instance, User) and _changed(instance, ("timezone",)):
                _owner(pending, instance.id).rebuild = True
    for owner_id in sorted(set(pending.owners) - pending.locked):
        lock_owner(owner_id)
        pending.locked.add(owner_id)
    if not pending.owners:
        session.info.pop(PENDING, None)


def _owner(pending: _Pending, owner_id: int) -> _Owner:
    return pending.owners.setdefault(owner_id, _Owner())


def _notice_entry(pending: _Pending, entry: Entry, *, everything: bool = False) -> None:
    """Note the days and tags a change to ``entry`` may alter; nothing when it changed
    none of what the totals count (a star, the text)."""
    if everything or _changed(entry, ("import_job_id",)):
        changed_tags = list(entry.tags)
    else:
        history = attributes.get_history(entry, "tags")
        changed_tags = [*(history.added or ()), *(history.deleted or ())]
    if changed_tags or everything or _changed(entry, DAY_ATTRIBUTES):
        _notice_day(pending, entry)  # a changed tag changes the day's tag totals too
    if changed_tags and entry.owner_id is not None:
        _owner(pending, entry.owner_id).tags.extend(changed_tags)


def _notice_day(pending: _Pending, entry: Entry) -> None:
    """Note the local day ``entry`` is on, and the one it was on before a change."""
    if entry.owner_id is None:
        return
    moments = set(_old_values(entry, "created_at"))
    if entry.created_at is not None:
        moments.add(entry.created_at)
    _owner(pending, entry.owner_id).moments |= moments


def _notice_reframe(session: Session, pending: _Pending, reframe: Reframe, *,
                    everything: bool = False) -> None:
    entry = reframe.entry
    if entry is None and reframe.entry_id is not None:
        entry = session.get(Entry, reframe.entry_id)
    if entry is not None:
        _notice_day(pending, entry)


@event.listens_for(Session, "after_flush_postexec")
def _recount(session: Session, _context) -> None:
    pending: _Pending | None = session.info.get(PENDING)
    if pending is None or not pending.owners:
        return
    owners, pending.owners = pending.owners, {}
    for owner_id, owner in sorted(owners.items()):
        if owner.rebuild:
            rebuild_days(owner_id)
        elif owner.moments:
            refresh_days(owner_id, owner.moments)
        tag_ids = [inspect(tag).identity[0] for tag in owner.tags
                   if inspect(tag).identity is not None]
        refresh_tag_counts(owner_id, tag_ids)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction: locks are gone
        session.info.pop(PENDING, None)
