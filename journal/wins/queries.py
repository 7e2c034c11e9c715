"""Reading one's own wins. Every query starts from :func:`journal.ownership.owned`."""

from datetime import date, datetime, tzinfo

from sqlalchemy import Select

from journal.extensions import db
from journal.models import REFRAME, Entry, User
from journal.ownership import owned
from journal.tags.queries import carries_any, entries_under
from journal.timezones import local_day_end, local_day_start

EVIDENCE_LIMIT = 5
DOUBT_TAG = "doubt"


def wins_of(owner: User, *, tag: str | None = None, start: date | None = None,
            end: date | None = None, zone: tzinfo | None = None) -> Select[tuple[Entry]]:
    """A select of ``owner``'s wins, optionally under the canonical ``tag`` (the tag and
    its children) and within the local days ``start`` to ``end`` (inclusive) in ``zone``
    (needed when either date is given)."""
    statement = entries_under(owner, tag) if tag else owned(Entry, owner)
    statement = statement.where(Entry.is_win.is_(True))
    if (start or end) and zone is None:
        raise ValueError("a date range needs the owner's time zone")
    if start:
        statement = statement.where(Entry.created_at >= local_day_start(start, zone))
    if end:
        statement = statement.where(
            Entry.created_at < local_day_end(end, zone))
    return statement


def first_win_at(statement: Select[tuple[Entry]]) -> datetime | None:
    """When the oldest win ``statement`` selects was written, or ``None``."""
    return db.session.scalar(
        statement.with_only_columns(Entry.created_at)
        .order_by(Entry.created_at.asc(), Entry.id.asc()).limit(1))


def evidence_for(entry: Entry, limit: int = EVIDENCE_LIMIT) -> list[Entry]:
    """Up to ``limit`` of the entry owner's wins (never the entry itself) that share at
    least one tag with ``entry``, newest first; the most recent wins when none do.

    As for a tag's page, the tags' stored counts choose the plan: common tags are tested
    win by win from the newest, rare ones read as the list of their links."""
    wins = (owned(Entry, entry.owner_id)
            .where(Entry.is_win.is_(True), Entry.id != entry.id)
            .order_by(Entry.created_at.desc(), Entry.id.desc())
            .limit(limit))
    tags = [(tag.id, tag.entry_count) for tag in entry.tags]
    shared = list(db.session.scalars(wins.where(carries_any(tags)))) if tags else []
    if shared:
        return shared
    return list(db.session.scalars(wins))


def is_doubt_tag(name: str) -> bool:
    return name == DOUBT_TAG or name.startswith(DOUBT_TAG + "/")


def shows_evidence(entry: Entry) -> bool:
    """Whether the entry's page shows the evidence panel: a reframe, or an entry tagged
    ``doubt`` or a tag below it (``doubt/launch``)."""
    return entry.kind == REFRAME or any(is_doubt_tag(tag.name) for tag in entry.tags)

