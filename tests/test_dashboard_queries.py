"""The dashboard's look back: Ana's streak of days with an entry and what she wrote on
this day in earlier years, counted in her own time zone. Dates are fixed by passing
``today=``; times are written where Ana lives and stored in UTC."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from journal.entries.reflection import Streak, on_this_day, same_days_in, streak
from journal.extensions import db
from journal.timezones import local_today


def at(zone: str, *args) -> datetime:
    """An aware datetime: the wall-clock time ``args`` in ``zone``."""
    return datetime(*args, tzinfo=ZoneInfo(zone))


def set_timezone(user, name: str) -> None:
    user.timezone = name
    db.session.commit()


@pytest.fixture
def write(make_entry):
    """``write(user, when, body)``: an entry written at ``when``."""

    def make(owner, when: datetime, body: str = "A few lines."):
        return make_entry(owner, body, created_at=when)

    return make


def years_and_ids(found) -> list[tuple[int, list[int]]]:
    return [(year, [entry.id for entry in entries]) for year, entries in found]


# --- streak -------------------------------------------------------------------------


def test_no_entries_no_streak(user):
    assert streak(user, today=date(2026, 3, 12)) == Streak(0, False, None)


def test_consecutive_days_make_a_streak(user, write):
    for day in (10, 11, 12):
        write(user, at("UTC", 2026, 3, day, 9))
    write(user, at("UTC", 2026, 3, 12, 18))  # a second entry the same day counts once

    assert streak(user, today=date(2026, 3, 12)) == Streak(3, True, date(2026, 3, 12))


def test_a_missing_day_ends_the_streak(user, write):
    for day in (7, 8, 10, 11, 12):
        write(user, at("UTC", 2026, 3, day, 9))

    assert streak(user, today=date(2026, 3, 12)).days == 3


def test_the_streak_is_alive_until_today_ends(user, write):
    for day in (9, 10, 11):
        write(user, at("UTC", 2026, 3, day, 9))

    assert streak(user, today=date(2026, 3, 12)) == Streak(3, False, date(2026, 3, 11))


def test_the_streak_is_over_when_the_last_entry_is_two_days_old(user, write):
    for day in (9, 10):
        write(user, at("UTC", 2026, 3, day, 9))

    assert streak(user, today=date(2026, 3, 12)) == Streak(0, False, date(2026, 3, 10))


def test_entries_after_today_do_not_count(user, write):
    write(user, at("UTC", 2026, 3, 11, 9))
    write(user, at("UTC", 2026, 3, 14, 9))

    assert streak(user, today=date(2026, 3, 12)) == Streak(1, False, date(2026, 3, 11))


def test_a_late_evening_counts_for_that_local_day(user, write):
    """23:30 in New York is already the next day in UTC; 00:30 in Berlin is still the
    day before in UTC. Both count for the date on the writer's own clock."""
    set_timezone(user, "America/New_York")
    evening_13 = write(user, at("America/New_York", 2026, 1, 13, 23, 30))
    write(user, at("America/New_York", 2026, 1, 14, 23, 30))
    assert evening_13.created_at.date() == date(2026, 1, 14)  # stored in UTC

    assert streak(user, today=date(2026, 1, 14)) == Streak(2, True, date(2026, 1, 14))

    set_timezone(user, "UTC")  # the same moments read in UTC: 14 and 15 January
    assert streak(user, today=date(2026, 1, 14)) == Streak(1, True, date(2026, 1, 14))


def test_just_after_midnight_in_berlin_is_the_new_local_day(user, write):
    set_timezone(user, "Europe/Berlin")
    write(user, at("Europe/Berlin", 2026, 1, 14, 12))
    after_midnight = write(user, at("Europe/Berlin", 2026, 1, 15, 0, 30))
    assert after_midnight.created_at.date() == date(2026, 1, 14)  # 23:30 UTC

    assert streak(user, today=date(2026, 1, 15)) == Streak(2, True, date(2026, 1, 15))


def test_a_streak_runs_across_midnight(user, write):
    set_timezone(user, "Europe/Berlin")
    write(user, at("Europe/Berlin", 2026, 1, 10, 23, 50))
    write(user, at("Europe/Berlin", 2026, 1, 11, 0, 10))

    assert streak(user, today=date(2026, 1, 11)) == Streak(2, True, date(2026, 1, 11))


@pytest.mark.parametrize(("zone", "days"), [
    # The clocks go forward at 02:00 on 8 March 2026 in New York (a 23-hour day).
    ("America/New_York", [(2026, 3, 7, 23, 30), (2026, 3, 8, 0, 15), (2026, 3, 8, 23, 45),
                          (2026, 3, 9, 0, 5)]),
    # And at 02:00 on 29 March 2026 in Berlin.
    ("Europe/Berlin", [(2026, 3, 28, 23, 30), (2026, 3, 29, 3, 0), (2026, 3, 29, 23, 59),
                       (2026, 3, 30, 0, 1)]),
    # Back at 03:00 on 25 October 2026 in Berlin (a 25-hour day).
    ("Europe/Berlin", [(2026, 10, 24, 23, 59), (2026, 10, 25, 0, 1), (2026, 10, 25, 23, 59),
                       (2026, 10, 26, 0, 1)]),
])
def test_a_streak_runs_across_a_clock_change(user, write, zone, days):
    set_timezone(user, zone)
    for moment in days:
        write(user, at(zone, *moment))
    last = date(*days[-1][:3])

    assert streak(user, today=last) == Streak(3, True, last)


def test_a_streak_with_many_entries_a_day_counts_days(user, write):
    for day in range(1, 11):
        write(user, at("UTC", 2026, 4, day, 8))
        write(user, at("UTC", 2026, 4, day, 20))
    write(user, at("UTC", 2026, 3, 30, 8))  # before the gap on 31 March

    assert streak(user, today=date(2026, 4, 10)) == Streak(10, True, date(2026, 4, 10))


def test_the_streak_counts_only_ones_own_entries(user, other_user, write):
    write(user, at("UTC", 2026, 3, 12, 9))
    for day in (9, 10, 11):
        write(other_user, at("UTC", 2026, 3, day, 9))

    assert streak(user, today=date(2026, 3, 12)) == Streak(1, True, date(2026, 3, 12))
    assert streak(other_user, today=date(2026, 3, 12)) == Streak(3, False, date(2026, 3, 11))


def test_local_today_is_the_date_in_the_users_zone(user):
    set_timezone(user, "Pacific/Kiritimati")  # UTC+14: often a day ahead of UTC
    before = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    today = local_today(user)
    after = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()

    assert before <= today <= after


# --- on this day --------------------------------------------------------------------


def test_on_this_day_groups_earlier_years_newest_first(user, write):
    y2023 = write(user, at("UTC", 2023, 3, 12, 9))
    y2024_morning = write(user, at("UTC", 2024, 3, 12, 8))
    y2024_evening = write(user, at("UTC", 2024, 3, 12, 20))
    y2025 = write(user, at("UTC", 2025, 3, 12, 9))
    write(user, at("UTC", 2024, 3, 11, 9))  # the day before
    write(user, at("UTC", 2024, 3, 13, 9))  # the day after
    write(user, at("UTC", 2026, 3, 12, 7))  # today itself is not an earlier year
    write(user, at("UTC", 2021, 5, 1, 9))  # the oldest entry; 2021 and 2022 have none

    found = on_this_day(user, today=date(2026, 3, 12))

    assert years_and_ids(found) == [
        (2025, [y2025.id]),
        (2024, [y2024_morning.id, y2024_evening.id]),
        (2023, [y2023.id]),
    ]


def test_on_this_day_shows_at_most_a_few_entries_a_year(user, write):
    entries = [write(user, at("UTC", 2025, 3, 12, hour)) for hour in (8, 10, 12, 14)]

    assert years_and_ids(on_this_day(user, today=date(2026, 3, 12))) == [
        (2025, [e.id for e in entries[:3]])]
    assert years_and_ids(on_this_day(user, today=date(2026, 3, 12), limit_per_year=1)) == [
        (2025, [entries[0].id])]


def test_on_this_day_uses_local_day_boundaries(user, write):
    set_timezone(user, "America/New_York")
    # 23:30 on 12 March in New York is 13 March in UTC: it belongs to the 12th.
    late = write(user, at("America/New_York", 2025, 3, 12, 23, 30))
    early = write(user, at("America/New_York", 2025, 3, 12, 0, 10))
    # 23:50 on 11 March is 12 March in UTC: it belongs to the 11th.
    write(user, at("America/New_York", 2025, 3, 11, 23, 50))
    write(user, at("America/New_York", 2025, 3, 13, 0, 30))

    found = on_this_day(user, today=date(2026, 3, 12))

    assert years_and_ids(found) == [(2025, [early.id, late.id])]


def test_on_this_day_finds_the_29th_of_february_only_in_leap_years(user, write):
    leap_day = write(user, at("UTC", 2024, 2, 29, 9))
    write(user, at("UTC", 2025, 2, 28, 9))
    write(user, at("UTC", 2027, 2, 28, 9))
    write(user, at("UTC", 2025, 3, 1, 9))

    assert years_and_ids(on_this_day(user, today=date(2028, 2, 29))) == [
        (2024, [leap_day.id])]


def test_on_the_28th_of_a_common_year_the_29th_of_leap_years_shows_too(user, write):
    feb_28_2024 = write(user, at("UTC", 2024, 2, 28, 9))
    feb_29_2024 = write(user, at("UTC", 2024, 2, 29, 9))
    feb_28_2026 = write(user, at("UTC", 2026, 2, 28, 9))
    write(user, at("UTC", 2024, 3, 1, 9))

    assert years_and_ids(on_this_day(user, today=date(2027, 2, 28))) == [
        (2026, [feb_28_2026.id]),
        (2024, [feb_28_2024.id, feb_29_2024.id]),
    ]
    # In a leap year the 29th comes on its own day, so the 28th shows only the 28th.
    assert years_and_ids(on_this_day(user, today=date(2028, 2, 28))) == [
        (2026, [feb_28_2026.id]),
        (2024, [feb_28_2024.id]),
    ]


@pytest.mark.parametrize(("year", "today", "expected"), [
    (2024, date(2028, 2, 29), [date(2024, 2, 29)]),
    (2025, date(2028, 2, 29), []),
    (2024, date(2027, 2, 28), [date(2024, 2, 28), date(2024, 2, 29)]),
    (2025, date(2027, 2, 28), [date(2025, 2, 28)]),
    (2024, date(2028, 2, 28), [date(2024, 2, 28)]),
    (2025, date(2026, 12, 31), [date(2025, 12, 31)]),
])
def test_which_days_count_as_this_day(year, today, expected):
    assert same_days_in(year, today) == expected


def test_on_this_day_shows_only_ones_own_entries(user, other_user, write):
    mine = write(user, at("UTC", 2025, 3, 12, 9))
    write(other_user, at("UTC", 2024, 3, 12, 9))
    write(other_user, at("UTC", 2025, 3, 12, 10))

    assert years_and_ids(on_this_day(user, today=date(2026, 3, 12))) == [(2025, [mine.id])]


def test_on_this_day_without_entries_is_empty(user):
    assert on_this_day(user, today=date(2026, 3, 12)) == []


def test_on_this_day_reads_entries_only_of_the_years_that_have_some(app, user, write):
    write(user, at("UTC", 2020, 6, 1, 9))  # the oldest entry: 2020 to 2025 are looked at
    write(user, at("UTC", 2024, 3, 12, 9))
    write(user, at("UTC", 2026, 3, 11, 9))
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if ("FROM entries" in statement and "entry_tags" not in statement
                or "FROM day_totals" in statement):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        found = on_this_day(user, today=date(2026, 3, 12))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)

    assert [year for year, _ in found] == [2024]
    # the first day with entries, the days of those years, 2024's ids, and those entries
    assert ["FROM entries" in statement for statement in statements] == [
        False, False, True, True]


def test_entries_carry_their_tags_for_the_cards(user, make_entry):
    entry = make_entry(user, "Looking back #work/launch",
                       created_at=datetime(2025, 3, 12, 9, tzinfo=UTC))

    [(year, [found])] = on_this_day(user, today=date(2026, 3, 12))

    assert (year, found.id) == (2025, entry.id)
    assert [tag.name for tag in found.tags] == ["work/launch"]


def test_the_start_page_shows_the_last_three_earlier_years_and_links_to_the_rest(
        client, logged_in, write):
    zone = ZoneInfo(logged_in.timezone or "UTC")
    today = local_today(logged_in)
    years = [year for year in range(today.year - 1, today.year - 12, -1)
             if same_days_in(year, today)][:5]
    for year in years:
        write(logged_in, datetime.combine(same_days_in(year, today)[0], datetime.min.time(),
                                          tzinfo=zone).replace(hour=12), f"Written in {year}")
    for number in range(5):  # the recent entries, listed above the earlier years
        write(logged_in, datetime.now(UTC), f"Today's note {number}")
    page = client.get("/").get_data(as_text=True)
    assert [year for year in years if f"Written in {year}" in page] == years[:3]
    assert 'href="/entries/on-this-day/">Earlier years on this day' in page
