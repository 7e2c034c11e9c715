"""Grouping timestamps by the owner's local date inside the database, for recounting
the day totals of a whole journal in a few queries.

A time zone's offset from UTC changes at daylight-saving transitions, so a range is
cut into segments of constant offset; within a segment the local date of a stored
UTC time is simply ``date(utc + offset)``, which both SQLite and PostgreSQL compute
in an aggregate query (:class:`local_date`).
"""

from datetime import UTC, datetime, timedelta, tzinfo

from sqlalchemy import Date, Integer, case
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement, bindparam


class local_date(FunctionElement):  # noqa: N801 - reads as an SQL function
    """The date of a UTC timestamp column shifted by a number of seconds (an expression
    from :func:`offset_at`)."""

    type = Date()
    inherit_cache = True
    name = "local_date"

    def __init__(self, column, offset_seconds: ColumnElement):
        super().__init__(column, offset_seconds)


def offset_at(column, segments: list[tuple[datetime, datetime, int]]) -> ColumnElement:
    """The UTC offset, in seconds, of ``column``'s time in the zone the ``segments``
    (from :func:`offset_segments`) were cut for: one expression for a whole range."""
    if len(segments) == 1:
        return bindparam(None, segments[0][2], type_=Integer)
    return case(*((column < end, offset) for _, end, offset in segments[:-1]),
                else_=segments[-1][2])


@compiles(local_date, "sqlite")
def _local_date_sqlite(element, compiler, **kw):
    column, offset = list(element.clauses)
    return (f"date({compiler.process(column, **kw)}, "
            f"({compiler.process(offset, **kw)}) || ' seconds')")


@compiles(local_date, "postgresql")
def _local_date_postgresql(element, compiler, **kw):
    column, offset = list(element.clauses)
    return (f"CAST({compiler.process(column, **kw)} + make_interval(secs => "
            f"{compiler.process(offset, **kw)}) AS DATE)")


def _offset(zone: tzinfo, moment: datetime) -> int:
    return int(moment.astimezone(zone).utcoffset().total_seconds())


def offset_segments(zone: tzinfo, start: datetime,
                    end: datetime) -> list[tuple[datetime, datetime, int]]:
    """``(from, to, offset_seconds)`` pieces covering ``[start, end)`` (aware UTC times),
    each with one UTC offset; transitions are found to the second."""
    segments = []
    current, offset = start, _offset(zone, start)
    probe = start
    while probe < end:
        following = min(probe + timedelta(days=1), end)
        if _offset(zone, following) != offset:
            # Offsets change on whole seconds: search whole seconds for the first moment
            # with the new offset.
            low, high = int(probe.timestamp()), int(following.timestamp())
            while high - low > 1:
                middle = (low + high) // 2
                if _offset(zone, datetime.fromtimestamp(middle, UTC)) == offset:
                    low = middle
                else:
                    high = middle
            high = datetime.fromtimestamp(high, UTC)
            segments.append((current, high, offset))
            current, offset = high, _offset(zone, high)
            probe = high
            continue
        probe = following
    segments.append((current, end, offset))
    return [(a, b, o) for a, b, o in segments if a < b]
