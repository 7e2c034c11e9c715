"""Looking back over one's own writing, for the dashboard: the streak of days with an
entry, and what was written on this day in earlier years.

Days are local days in the user's time zone: an entry written at 23:30 in Berlin counts
for that evening's date even though it is already the next day in UTC.
"""

import calendar
from dataclasses import dataclass
from datetime import MINYEAR, date, datetime, timedelta

from sqlalchemy.orm import selectinload

from journal.extensions import db
from journal.models import DayTotal, Entry, User
from journal.ownership import owned, owned_columns
from journal.timezones import local_day_end, local_day_start, zone_for
from journal.totals import ensure_counted

ONE_DAY = timedelta(days=1)
DAYS_PER_QUERY = 500


@dataclass(frozen=True)
class Streak:
    days: int  # consecutive local days with an entry, ending today or yesterday
    includes_today: bool  # False: nothing written yet today, the streak is still alive
    last_entry_date: date | None  # local date of the latest entry up to today


def streak(user: User, today: date | None = None) -> Streak:
    """The run of consecutive local days with at least one entry that ends ``today``, or
    ends yesterday when nothing is written yet today.

    One row of the day totals answers it: each day stores the run that ends on it."""
    ensure_counted(user)
    zone = zone_for(user)
    today = today or datetime.now(zone).date()
    latest = db.session.execute(
        owned_columns(DayTotal, user, DayTotal.day, DayTotal.streak)
        .where(DayTotal.day <= today).order_by(DayTotal.day.desc()).limit(1)).first()
    if latest is None:
        return Streak(days=0, includes_today=False, last_entry_date=None)
    last, run = latest
    if last < today - ONE_DAY:
        return Streak(days=0, includes_today=False, last_entry_date=last)
    return Streak(days=run, includes_today=last == today, last_entry_date=last)


def on_this_day(user: User, today: date | None = None, limit_per_year: int = 3,
                years: list[int] | None = None) -> list[tuple[int, list[Entry]]]:
    """Entries written on today's month and day in earlier years (local days), as
    ``(year, entries)`` pairs, newest year first and at most ``limit_per_year`` entries
    each, in the order they were written. Years without such entries are left out; with
    ``years`` (from :func:`years_written_on`), only those years are read, and they may
    include ``today``'s own year.

    February 29 is looked for only in leap years; on February 28 of a year that has no
    29th, the 29th of earlier leap years is shown too, so those entries surface yearly.

    One small read of ids per year, then one load of all the entries shown (with their
    tags and reframes), however many years there are.
    """
    ensure_counted(user)
    zone = zone_for(user)
    today = today or datetime.now(zone).date()
    chosen: list[tuple[int, list[int]]] = []
    for year in years_written_on(user, today) if years is None else years:
        days = same_days_in(year, today)
        if not days:
            continue
        ids = list(db.session.scalars(
            owned_columns(Entry, user, Entry.id)
            .where(Entry.created_at >= local_day_start(days[0], zone),
                   Entry.created_at < local_day_end(days[-1], zone))
            .order_by(Entry.created_at.asc(), Entry.id.asc())
            .limit(limit_per_year)))
        if ids:
            chosen.append((year, ids))
    if not chosen:
        return []
    loaded = {entry.id: entry for entry in db.session.scalars(
        owned(Entry, user).where(Entry.id.in_([ident for _, ids in chosen for ident in ids]))
        .options(selectinload(Entry.tags), selectinload(Entry.reframe)))}
    return [(year, [loaded[ident] for ident in ids if ident in loaded]) for year, ids in chosen]


def years_written_on(user: User, today: date, *, this_year: bool = False) -> list[int]:
    """The years before ``today``'s (and ``today``'s own, with ``this_year``) with an
    entry on its month and day (as :func:`same_days_in` reads them), newest first, from
    the day totals."""
    first = db.session.scalar(
        owned_columns(DayTotal, user, DayTotal.day).order_by(DayTotal.day.asc()).limit(1))
    if first is None:
        return []
    latest = today.year if this_year else today.year - 1
    wanted = [day for year in range(latest, max(first.year, MINYEAR + 1) - 1, -1)
              for day in same_days_in(year, today)]
    years: set[int] = set()
    for start in range(0, len(wanted), DAYS_PER_QUERY):
        years.update(day.year for day in db.session.scalars(
            owned_columns(DayTotal, user, DayTotal.day)
            .where(DayTotal.day.in_(wanted[start:start + DAYS_PER_QUERY]))))
    return sorted(years, reverse=True)


def same_days_in(year: int, today: date) -> list[date]:
    """The consecutive dates of ``year`` that count as "this day" for ``today``."""
    if (today.month, today.day) == (2, 29):
        return [date(year, 2, 29)] if calendar.isleap(year) else []
    days = [date(year, today.month, today.day)]
    no_leap_day_this_year = not calendar.isleap(today.year)
    if (today.month, today.day) == (2, 28) and no_leap_day_this_year and calendar.isleap(year):
        days.append(date(year, 2, 29))
    return days
