"""Looking back over one's own writing, for the dashboard: the streak of days with an
entry, and what was written on this day in earlier years.

Days are local days in the user's time zone: an entry written at 23:30 in Berlin counts
for that evening's date even though it is already the next day in UTC.
"""

import calendar
from dataclasses import dataclass
from datetime import MINYEAR, date, datetime, timedelta

from sqlalchemy import bindparam
from sqlalchemy.orm import selectinload

from journal.extensions import db
from journal.models import Entry, User
from journal.ownership import owned
from journal.timezones import in_zone, local_day_end, local_day_start, zone_for

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Streak:
    days: int  # consecutive local days with an entry, ending today or yesterday
    includes_today: bool  # False: nothing written yet today, the streak is still alive
    last_entry_date: date | None  # local date of the latest entry up to today


def streak(user: User, today: date | None = None) -> Streak:
    """The run of consecutive local days with at least one entry that ends ``today``, or
    ends yesterday when nothing is written yet today.

    Hops from day to day: for each day it asks only for the latest entry before that
    day began (one probe of the (owner, created_at) index), so the cost grows with the
    length of the streak, not with the number of entries written in it. The probe is
    built once and reused, so each hop costs a fraction of a millisecond."""
    zone = zone_for(user)
    today = today or datetime.now(zone).date()
    probe = (
        owned(Entry, user).with_only_columns(Entry.created_at)
        .where(Entry.created_at < bindparam("before"))
        .order_by(Entry.created_at.desc()).limit(1)
    )

    def latest_day_before(moment: datetime) -> date | None:
        latest = db.session.execute(probe, {"before": moment}).scalar()
        return in_zone(latest, zone).date() if latest else None

    last = latest_day_before(local_day_end(today, zone))
    if last is None or last < today - ONE_DAY:
        return Streak(days=0, includes_today=False, last_entry_date=last)
    days, counted = 1, last
    while counted > date.min and latest_day_before(
            local_day_start(counted, zone)) == counted - ONE_DAY:
        days, counted = days + 1, counted - ONE_DAY
    return Streak(days=days, includes_today=last == today, last_entry_date=last)


def on_this_day(user: User, today: date | None = None,
                limit_per_year: int = 3) -> list[tuple[int, list[Entry]]]:
    """Entries written on today's month and day in earlier years (local days), as
    ``(year, entries)`` pairs, newest year first and at most ``limit_per_year`` entries
    each, in the order they were written. Years without such entries are left out.

    February 29 is looked for only in leap years; on February 28 of a year that has no
    29th, the 29th of earlier leap years is shown too, so those entries surface yearly.
    """
    zone = zone_for(user)
    today = today or datetime.now(zone).date()
    oldest = db.session.scalar(
        owned(Entry, user).with_only_columns(Entry.created_at)
        .order_by(Entry.created_at.asc()).limit(1))
    if oldest is None:
        return []
    first_year = max(in_zone(oldest, zone).year, MINYEAR + 1)
    found: list[tuple[int, list[Entry]]] = []
    for year in range(today.year - 1, first_year - 1, -1):
        days = same_days_in(year, today)
        if not days:
            continue
        entries = list(db.session.scalars(
            owned(Entry, user)
            .where(Entry.created_at >= local_day_start(days[0], zone),
                   Entry.created_at < local_day_end(days[-1], zone))
            .options(selectinload(Entry.tags), selectinload(Entry.reframe))
            .order_by(Entry.created_at.asc(), Entry.id.asc())
            .limit(limit_per_year)))
        if entries:
            found.append((year, entries))
    return found


def same_days_in(year: int, today: date) -> list[date]:
    """The consecutive dates of ``year`` that count as "this day" for ``today``."""
    if (today.month, today.day) == (2, 29):
        return [date(year, 2, 29)] if calendar.isleap(year) else []
    days = [date(year, today.month, today.day)]
    no_leap_day_this_year = not calendar.isleap(today.year)
    if (today.month, today.day) == (2, 28) and no_leap_day_this_year and calendar.isleap(year):
        days.append(date(year, 2, 29))
    return days
