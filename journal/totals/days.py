"""Figures per local day: how many entries, words and wins, the reframes' beliefs, and
the streak (consecutive days with entries) ending on each day; and how many entries of
each day carry each tag.

A day is a date in the owner's zone. The rows are counted in the zone the account sees;
``User.totals_zone`` names it, and when that zone changes (in settings, by an import,
or because the server's default moved) the rows are counted again.

Small changes recount only the days they touch (one indexed range per day) and walk the
streak forward from the earliest day whose presence changed, stopping as soon as the
stored runs agree again: writing today's entry reads and writes one row.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from journal.extensions import db
from journal.models import DayTagTotal, DayTotal, Entry, EntryTag, Reframe, User
from journal.ownership import owned_columns
from journal.timezones import in_zone, local_day_end, local_day_start, zone_for
from journal.totals import recount
from journal.totals.recount import COUNTED, DayFigures, figure_columns
from journal.totals.tag_counts import refresh_tag_counts

ONE_DAY = timedelta(days=1)
# A write that touches more days than this recounts the whole journal in one pass.
MAX_DAYS_PER_REFRESH = 64
INSERT_BATCH = 1_000
_table = DayTotal.__table__
_tag_table = DayTagTotal.__table__


def _connection() -> Connection:
    return db.session.connection()


def _account(owner_id: int) -> SimpleNamespace:
    timezone, totals_zone = _connection().execute(
        select(User.timezone, User.totals_zone).where(User.id == owner_id)).one()
    return SimpleNamespace(timezone=timezone, totals_zone=totals_zone)


def zone_key(account) -> str:
    """The name of the zone ``account`` sees its days in."""
    return zone_for(account).key


def counted_days(owner_id: int) -> dict[date, DayFigures]:
    """The owner's day totals counted afresh, entry by entry, in the zone the account
    sees: what :func:`stored_days` must equal (for checks; reads every entry)."""
    return recount.counted_days(owner_id, zone_for(_account(owner_id)))


def counted_day_tags(owner_id: int) -> dict[tuple[date, int], int]:
    """The owner's day tag totals counted afresh, link by link: what
    :func:`stored_day_tags` must equal."""
    return recount.counted_day_tags(owner_id, zone_for(_account(owner_id)))


def stored_days(owner_id: int) -> dict[date, DayFigures]:
    """The owner's stored day totals."""
    rows = _connection().execute(
        select(_table.c.day, *(_table.c[name] for name in (*COUNTED, "streak")))
        .where(_table.c.owner_id == owner_id))
    return {day: DayFigures(*values) for day, *values in rows}


def rebuild_days(owner_id: int) -> None:
    """Count the owner's days afresh (in the zone the account sees now) and store them."""
    account = _account(owner_id)
    zone = zone_for(account)
    days = recount.grouped_days(owner_id, zone)
    connection = _connection()
    connection.execute(delete(_table).where(_table.c.owner_id == owner_id))
    connection.execute(delete(_tag_table).where(_tag_table.c.owner_id == owner_id))
    rows = [{"owner_id": owner_id, "day": day, **vars(figures)} for day, figures in days.items()]
    _insert(_table, rows)
    _store_day_tags(owner_id, zone)
    users = User.__table__
    connection.execute(update(users).where(users.c.id == owner_id)
                       .values(totals_zone=zone_key(account)))


def _store_day_tags(owner_id: int, zone) -> None:
    """Insert the owner's day tag totals, grouped in the database; then add those of
    entries dated outside the years it groups (rare: a day may hold both)."""
    grouped, outliers = recount.day_tags_select(owner_id, zone)
    if grouped is not None:
        _connection().execute(_tag_table.insert().from_select(
            ["owner_id", "day", "tag_id", "entries"], grouped))
    for (day, tag_id), count in outliers.items():
        key = ((_tag_table.c.owner_id == owner_id) & (_tag_table.c.day == day)
               & (_tag_table.c.tag_id == tag_id))
        if not _connection().execute(update(_tag_table).where(key).values(
                entries=_tag_table.c.entries + count)).rowcount:
            _insert(_tag_table, [{"owner_id": owner_id, "day": day, "tag_id": tag_id,
                                  "entries": count}])


def _insert(table, rows: list[dict]) -> None:
    for start in range(0, len(rows), INSERT_BATCH):
        _connection().execute(insert(table), rows[start:start + INSERT_BATCH])


def stored_day_tags(owner_id: int) -> dict[tuple[date, int], int]:
    """The owner's stored day tag totals."""
    rows = _connection().execute(
        select(_tag_table.c.day, _tag_table.c.tag_id, _tag_table.c.entries)
        .where(_tag_table.c.owner_id == owner_id))
    return {(day, tag_id): count for day, tag_id, count in rows}


def refresh_days(owner_id: int, moments: Iterable[datetime]) -> None:
    """Recount the owner's local days holding ``moments`` (times of entries written,
    changed or removed) and mend the streaks after them. Recounts everything instead when
    the stored days were counted in another zone or too many days changed."""
    account = _account(owner_id)
    zone = zone_for(account)
    days = {in_zone(moment, zone).date() for moment in moments}
    if account.totals_zone is None:  # never counted (an account from before totals)
        rebuild_days(owner_id)
        refresh_tag_counts(owner_id)
        return
    if account.totals_zone != zone.key or len(days) > MAX_DAYS_PER_REFRESH:
        rebuild_days(owner_id)
        return
    connection = _connection()
    stored = dict(connection.execute(
        select(_table.c.day, _table.c.streak)
        .where(_table.c.owner_id == owner_id, _table.c.day.in_(days))).all())
    changed_presence = []
    for day in sorted(days):
        figures = _count_day(owner_id, zone, day)
        _recount_day_tags(owner_id, zone, day)
        key = (_table.c.owner_id == owner_id) & (_table.c.day == day)
        if figures.entries == 0:
            if day in stored:
                connection.execute(delete(_table).where(key))
                changed_presence.append(day)
        elif day in stored:
            connection.execute(update(_table).where(key).values(**_counted(figures)))
        else:
            connection.execute(insert(_table).values(owner_id=owner_id, day=day, streak=0,
                                                     **_counted(figures)))
            changed_presence.append(day)
    if changed_presence:
        _mend_streaks(owner_id, changed_presence[0], changed_presence[-1])


def _counted(figures: DayFigures) -> dict[str, int]:
    return {name: getattr(figures, name) for name in COUNTED}


def _written_on(day: date, zone) -> tuple:
    """Conditions on ``Entry``: written on the local ``day`` in ``zone``."""
    return (Entry.created_at >= local_day_start(day, zone),
            Entry.created_at < local_day_end(day, zone))


def _count_day(owner_id: int, zone, day: date) -> DayFigures:
    row = db.session.execute(
        owned_columns(Entry, owner_id, *figure_columns())
        .outerjoin(Reframe, Reframe.entry_id == Entry.id).where(*_written_on(day, zone))).one()
    return DayFigures(*(int(value or 0) for value in row))


def _recount_day_tags(owner_id: int, zone, day: date) -> None:
    counts = db.session.execute(
        owned_columns(Entry, owner_id, EntryTag.tag_id, func.count())
        .join(EntryTag, EntryTag.entry_id == Entry.id).where(*_written_on(day, zone))
        .group_by(EntryTag.tag_id)).all()
    _connection().execute(delete(_tag_table).where(_tag_table.c.owner_id == owner_id,
                                                   _tag_table.c.day == day))
    _insert(_tag_table, [{"owner_id": owner_id, "day": day, "tag_id": tag_id, "entries": count}
                         for tag_id, count in counts])


def _mend_streaks(owner_id: int, first: date, last: date) -> None:
    """Recompute the streaks from ``first`` on, until past ``last`` the stored runs agree
    with the recomputed ones (every later run then agrees too)."""
    connection = _connection()
    previous_day = None if first == date.min else first - ONE_DAY
    run = 0
    if previous_day is not None:
        run = connection.execute(select(_table.c.streak).where(
            _table.c.owner_id == owner_id, _table.c.day == previous_day)).scalar() or 0
    mended = []
    rows = connection.execute(select(_table.c.day, _table.c.streak).where(
        _table.c.owner_id == owner_id, _table.c.day >= first).order_by(_table.c.day))
    for day, stored in rows:
        run = run + 1 if previous_day is not None and day - previous_day == ONE_DAY else 1
        if run != stored:
            mended.append({"key_day": day, "streak": run})
        elif day > last:
            break
        previous_day = day
    rows.close()
    if mended:
        connection.execute(
            update(_table).where(_table.c.owner_id == owner_id,
                                 _table.c.day == bindparam("key_day"))
            .values(streak=bindparam("streak")), mended)
