"""Counting a whole journal's day totals afresh: in Python, entry by entry (the plain
reference that checks and tests compare the stored totals with), and in the database,
grouped by local date (what a rebuild uses: a few queries however many entries)."""

from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import case, func, literal

from journal.extensions import db
from journal.models import Entry, EntryTag, Reframe
from journal.ownership import owned_columns
from journal.timezones import in_zone
from journal.totals.localdays import local_date, offset_at, offset_segments

ONE_DAY = timedelta(days=1)
# Entries dated in these years are grouped in the database; the rare ones outside them
# (an imported entry from year 1, say) are counted one by one.
GROUPED_FROM = datetime(1900, 1, 1, tzinfo=UTC)
GROUPED_UNTIL = datetime(3000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class DayFigures:
    entries: int = 0
    words: int = 0
    wins: int = 0
    reframes: int = 0
    streak: int = 0


COUNTED = tuple(item.name for item in fields(DayFigures) if item.name != "streak")


def figure_columns():
    """The aggregates of :data:`COUNTED`, in order, over entries outer-joined to their
    reframes."""
    return (func.count(Entry.id), func.coalesce(func.sum(Entry.word_count), 0),
            func.coalesce(func.sum(case((Entry.is_win, 1), else_=0)), 0),
            func.count(Reframe.entry_id))


def counted_days(owner_id: int, zone, *conditions) -> dict[date, DayFigures]:
    """The owner's figures per local day in ``zone``, counted entry by entry from the
    visible entries (those meeting ``conditions``), with streaks."""
    return with_streaks({day: DayFigures(*values)
                          for day, values in _summed_days(owner_id, zone, *conditions).items()})


def _summed_days(owner_id: int, zone, *conditions) -> dict[date, list[int]]:
    rows = db.session.execute(
        owned_columns(Entry, owner_id, Entry.created_at, Entry.word_count, Entry.is_win,
                      Reframe.entry_id)
        .outerjoin(Reframe, Reframe.entry_id == Entry.id).where(*conditions)
        .execution_options(yield_per=5_000))
    sums: dict[date, list[int]] = {}
    for created_at, words, is_win, reframe_id in rows:
        day = sums.setdefault(in_zone(created_at, zone).date(), [0] * len(COUNTED))
        day[0] += 1
        day[1] += words or 0
        day[2] += bool(is_win)
        day[3] += reframe_id is not None
    return sums


def with_streaks(days: dict[date, DayFigures]) -> dict[date, DayFigures]:
    result, previous, run = {}, None, 0
    for day in sorted(days):
        run = run + 1 if previous is not None and day - previous == ONE_DAY else 1
        result[day] = replace(days[day], streak=run)
        previous = day
    return result


def counted_day_tags(owner_id: int, zone, *conditions) -> dict[tuple[date, int], int]:
    """How many visible entries (meeting ``conditions``) of each local day in ``zone``
    carry each tag, counted link by link."""
    rows = db.session.execute(
        owned_columns(Entry, owner_id, Entry.created_at, EntryTag.tag_id)
        .join(EntryTag, EntryTag.entry_id == Entry.id).where(*conditions)
        .execution_options(yield_per=5_000))
    counts: dict[tuple[date, int], int] = {}
    for created_at, tag_id in rows:
        key = (in_zone(created_at, zone).date(), tag_id)
        counts[key] = counts.get(key, 0) + 1
    return counts


def _grouped_range(owner_id: int, zone):
    """The local date of an entry's time as one SQL expression, with the conditions that
    pick the owner's entries dated from 1900 to 2999 (grouped in the database) and those
    outside (counted one by one); ``None`` for the expression when there are none."""
    first, last = db.session.execute(owned_columns(
        Entry, owner_id, func.min(Entry.created_at), func.max(Entry.created_at))).one()
    outside = (Entry.created_at < GROUPED_FROM) | (Entry.created_at >= GROUPED_UNTIL)
    if first is None:
        return None, (), outside
    start = max(first, GROUPED_FROM)
    end = min(last + timedelta(microseconds=1), GROUPED_UNTIL)
    if start >= end:
        return None, (), outside
    segments = offset_segments(zone, start, end)
    day = local_date(Entry.created_at, offset_at(Entry.created_at, segments))
    return day, (Entry.created_at >= start, Entry.created_at < end), outside


def grouped_days(owner_id: int, zone) -> dict[date, DayFigures]:
    """What :func:`counted_days` gives, grouped by local date in the database."""
    day, inside, outside = _grouped_range(owner_id, zone)
    sums = _summed_days(owner_id, zone, outside)
    if day is not None:
        rows = db.session.execute(
            owned_columns(Entry, owner_id, day, *figure_columns())
            .outerjoin(Reframe, Reframe.entry_id == Entry.id).where(*inside).group_by(day))
        for local, *values in rows:
            into = sums.setdefault(local, [0] * len(COUNTED))
            for index, value in enumerate(values):
                into[index] += int(value or 0)
    return with_streaks({local: DayFigures(*values) for local, values in sums.items()})


def day_tags_select(owner_id: int, zone):
    """A select of ``(owner_id, day, tag_id, entries)`` grouping the owner's links by
    local date in the database (for ``INSERT ... SELECT``), and the counts of the links
    outside its years, counted one by one; ``None`` for the select when it has none."""
    day, inside, outside = _grouped_range(owner_id, zone)
    counts = counted_day_tags(owner_id, zone, outside)
    if day is None:
        return None, counts
    return (owned_columns(Entry, owner_id, literal(owner_id), day, EntryTag.tag_id,
                          func.count())
            .join(EntryTag, EntryTag.entry_id == Entry.id).where(*inside)
            .group_by(day, EntryTag.tag_id)), counts
