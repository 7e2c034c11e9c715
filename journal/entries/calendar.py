"""Browse by date: a month calendar, the entries of one day, and "on this day" across
the years.

Days are local days in the user's time zone (as on the dashboard): an entry written at
23:30 in Auckland belongs to that evening's date there, whatever the date in UTC.
"""

import calendar
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from journal.entries import bp
from journal.entries.reflection import on_this_day, years_written_on
from journal.extensions import db
from journal.models import DayTotal, Entry, User
from journal.ownership import owned, owned_columns
from journal.pagination import paginate_entries
from journal.timezones import local_day_end, local_day_start, local_today, zone_for
from journal.totals import ensure_counted

FIRST_YEAR, LAST_YEAR = 1900, 2999  # the years the calendar pages accept; others are 404
ONE_DAY = timedelta(days=1)
# Entries shown per year on the "on this day" page; a year with more links to its day page.
ON_THIS_DAY_LIMIT = 5
# Years with entries shown per "on this day" page; earlier ones are a link away.
YEARS_PER_PAGE = 5
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# "11-26" from a link, or "2026-11-26" from a date picker (the year is not used).
MONTH_DAY = re.compile(r"(?:[0-9]{4}-)?([0-9]{1,2})-([0-9]{1,2})")
YEAR_OR_MONTH = re.compile(r"[0-9]{1,4}")
A_LEAP_YEAR = 2000  # to check a month and day without a year: 02-29 is a day of the year


# --- loading -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def name(self) -> str:
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"

    def shifted(self, months: int) -> "Month | None":
        """The month ``months`` later (earlier when negative); ``None`` outside the
        years the calendar shows."""
        index = self.year * 12 + self.month - 1 + months
        year, month = divmod(index, 12)
        return Month(year, month + 1) if FIRST_YEAR <= year <= LAST_YEAR else None

    def weeks(self) -> list[list[date | None]]:
        """The weeks of the month, Monday first; days of other months are ``None``."""
        return [[day if day.month == self.month else None for day in week]
                for week in calendar.Calendar(calendar.MONDAY)
                .monthdatescalendar(self.year, self.month)]


def month_or_404(year: int, month: int) -> Month:
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        abort(404)
    return Month(year, month)


def day_or_404(year: int, month: int, day: int) -> date:
    """The date; 404 for a day that does not exist (30 February) or lies outside the
    years the calendar shows."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        abort(404)


def entry_counts(user: User, month: Month) -> Counter[date]:
    """How many entries ``user`` wrote on each local day of ``month``, from the day
    totals (one row per day with entries)."""
    ensure_counted(user)
    after = month.shifted(1)
    end = after.first if after else date(LAST_YEAR + 1, 1, 1)
    return Counter(dict(db.session.execute(
        owned_columns(DayTotal, user, DayTotal.day, DayTotal.entries)
        .where(DayTotal.day >= month.first, DayTotal.day < end)).all()))


def entries_of_day(user: User, day: date, days: int = 1) -> Select[tuple[Entry]]:
    """A ``select`` of ``user``'s entries written on the local ``day`` (and the
    ``days - 1`` days after it), with what the entry cards show."""
    zone = zone_for(user)
    return (owned(Entry, user)
            .where(Entry.created_at >= local_day_start(day, zone),
                   Entry.created_at < local_day_end(day, zone, days))
            .options(selectinload(Entry.tags), selectinload(Entry.reframe)))


def parse_month_day(text: str) -> tuple[int, int] | None:
    """``(month, day)`` from ``MM-DD`` (or ``YYYY-MM-DD``), if it names a day of some
    year (``02-29`` does); ``None`` otherwise."""
    match = MONTH_DAY.fullmatch(text.strip())
    if match is None:
        return None
    month, day = int(match[1]), int(match[2])
    try:
        date(A_LEAP_YEAR, month, day)
    except ValueError:
        return None
    return month, day


def anchor_for(month: int, day: int, today: date) -> date:
    """The latest occurrence of ``month``/``day`` in ``today``'s year or before it: this
    year's date, or for 29 February in a common year, that of the last leap year."""
    year = today.year
    while (month, day) == (2, 29) and not calendar.isleap(year):
        year -= 1
    return date(year, month, day)


@dataclass(frozen=True)
class YearsPage:
    """One page of "on this day": some years' entries, newest year first, and where the
    neighbouring pages start (``None`` for the first and the last page)."""
    years: list[tuple[int, list[Entry]]]
    later_before: int | None  # the ``before`` of the page of later years
    later: bool  # a page of later years exists (it may be the first, without ``before``)
    earlier_before: int | None  # the ``before`` of the page of earlier years


def years_of(user: User, anchor: date, before: int | None = None) -> YearsPage:
    """Entries written on ``anchor``'s month and day, in ``anchor``'s year and every
    earlier one, ``YEARS_PER_PAGE`` years with such entries at a time, from the latest
    year before ``before`` (from ``anchor``'s year without it): newest year first, at
    most ``ON_THIS_DAY_LIMIT`` a year in the order written (28 February brings 29
    February along as :func:`on_this_day` does)."""
    years = years_written_on(user, anchor, this_year=True)
    start = 0 if before is None else next(
        (index for index, year in enumerate(years) if year < before), len(years))
    shown = years[start:start + YEARS_PER_PAGE]
    later_start = start - YEARS_PER_PAGE
    return YearsPage(
        years=on_this_day(user, anchor, limit_per_year=ON_THIS_DAY_LIMIT, years=shown),
        later=start > 0,
        later_before=years[later_start] + 1 if later_start > 0 else None,
        earlier_before=shown[-1] if len(years) > start + YEARS_PER_PAGE else None)


# --- views ---------------------------------------------------------------------------------

@bp.route("/calendar/", endpoint="calendar")
@login_required
def calendar_now():
    """The month of today in the user's zone. With ``?year=&month=`` (the jump form),
    a redirect to that month; a month or year that is not in the calendar shows this
    month again with a message and answers 400."""
    today = local_today(current_user)
    wanted = {name: request.args.get(name, "").strip() for name in ("year", "month")}
    if not any(wanted.values()):
        return _render_month(Month(today.year, today.month), today)
    year, month = (int(value) if YEAR_OR_MONTH.fullmatch(value) else None
                   for value in (wanted["year"], wanted["month"]))
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        error = f"Enter a year from {FIRST_YEAR} to {LAST_YEAR}."
    elif month is None or not 1 <= month <= 12:
        error = "Choose a month."
    else:
        return redirect(url_for("entries.calendar_month", year=year, month=month))
    return _render_month(Month(today.year, today.month), today, error=error), 400


@bp.route("/calendar/<int:year>/<int:month>/")
@login_required
def calendar_month(year: int, month: int):
    """A month as a grid, Monday first: each day with entries links to that day and
    shows how many. 404 for a month outside 1–12 or a year outside 1900–2999."""
    shown = month_or_404(year, month)
    return _render_month(shown, local_today(current_user))


def _render_month(shown: Month, today: date, error: str | None = None) -> str:
    counts = entry_counts(current_user, shown)
    return render_template(
        "entries/calendar.html", shown=shown, today=today, counts=counts,
        total=sum(counts.values()), weeks=shown.weeks(), weekdays=WEEKDAY_NAMES,
        month_names=MONTH_NAMES, error=error,
        earlier=shown.shifted(-1), later=shown.shifted(1),
        year_earlier=shown.shifted(-12), year_later=shown.shifted(12))


@bp.route("/day/<int:year>/<int:month>/<int:day>/", endpoint="day")
@login_required
def day_page(year: int, month: int, day: int):
    """The entries written on one local day, newest first, a page at a time. 404 for a
    date that does not exist (30 February) or lies outside the calendar's years."""
    shown = day_or_404(year, month, day)
    page = paginate_entries(entries_of_day(current_user, shown),
                            before=request.args.get("before"), after=request.args.get("after"),
                            per_page=current_app.config["ENTRIES_PER_PAGE"])
    earlier, later = shown - ONE_DAY, shown + ONE_DAY
    return render_template(
        "entries/day.html", shown=shown, page=page, today=local_today(current_user),
        month_names=MONTH_NAMES, weekday=WEEKDAY_NAMES[shown.weekday()],
        earlier=earlier if earlier.year >= FIRST_YEAR else None,
        later=later if later.year <= LAST_YEAR else None,
        endpoint_args={"year": year, "month": month, "day": day})


@bp.route("/on-this-day/", endpoint="on_this_day")
@login_required
def on_this_day_page():
    """What was written on today's month and day (or ``?date=MM-DD``; ``02-29`` shows
    the leap years) this year and in every earlier year, newest year first, a few years
    at a time (``?before=YEAR`` for the years before that one). A date that is no day of
    the year answers 400 with a message beside the date field; a ``before`` that is no
    year the calendar shows, 404."""
    today = local_today(current_user)
    asked = request.args.get("date")
    month_day = (today.month, today.day) if asked is None else parse_month_day(asked[:20])
    if month_day is None:
        return render_template(
            "entries/on_this_day.html", anchor=None, page=None, today=today, asked=asked[:20],
            month_names=MONTH_NAMES,
            error="Enter a month and day, for example 02-29 for 29 February."), 400
    anchor = anchor_for(*month_day, today)
    before = _year_argument(request.args.get("before"))
    in_a_leap_year = date(A_LEAP_YEAR, *month_day)
    return render_template(
        "entries/on_this_day.html", anchor=anchor, page=years_of(current_user, anchor, before),
        today=today, month_names=MONTH_NAMES, limit=ON_THIS_DAY_LIMIT,
        earlier=in_a_leap_year - ONE_DAY, later=in_a_leap_year + ONE_DAY,
        asked=f"{anchor:%m-%d}", error=None)


def _year_argument(value: str | None) -> int | None:
    """The year in a ``before`` link; ``None`` without one; 404 when it is no year the
    calendar shows (the link was changed by hand)."""
    if value is None:
        return None
    if not YEAR_OR_MONTH.fullmatch(value) or not FIRST_YEAR < int(value) <= LAST_YEAR + 1:
        abort(404)
    return int(value)
