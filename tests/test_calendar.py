"""Browsing by date: the month calendar, one day's entries, and "on this day" across
years, all in the writer's own time zone and never showing anyone else's writing."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from journal.entries.calendar import Month, entry_counts
from journal.extensions import db
from journal.timezones import local_today


def at(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def day_links(page: str) -> dict[str, str]:
    """The calendar's day links: ``{href: aria-label}``."""
    return dict(re.findall(r'<a href="(/entries/day/[^"]+)" aria-label="([^"]+)"', page))


def titles_in(page: str) -> list[str]:
    return re.findall(r'<h2 class="entry-card-title">\s*<a href="/entries/\d+">([^<]+)</a>', page)


def years_in(page: str) -> list[int]:
    return [int(year) for year in re.findall(r'<h2 id="year-(\d+)"', page)]


def get_text(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def set_zone(user, name: str) -> None:
    user.timezone = name
    db.session.commit()


# --- the month ---------------------------------------------------------------------------

def test_the_month_links_only_the_days_with_entries_and_counts_them(client, logged_in,
                                                                     make_entry):
    for hour in (8, 12, 20):
        make_entry(logged_in, "Fixed the build.", created_at=at(2026, 3, 5, hour))
    make_entry(logged_in, "Demo went fine.", created_at=at(2026, 3, 20))
    make_entry(logged_in, "February, not March.", created_at=at(2026, 2, 28))

    page = get_text(client, "/entries/calendar/2026/3/")

    assert day_links(page) == {
        "/entries/day/2026/3/5/": "5 March 2026, 3 entries",
        "/entries/day/2026/3/20/": "20 March 2026, 1 entry",
    }
    assert '<span class="month-grid-count">3</span>' in page
    assert '<span class="month-grid-day">6</span>' in page  # a day without entries: plain
    assert "<caption>" in page and "March 2026" in page and "4 entries" in page
    assert page.count('<th scope="col">') == 7
    assert '<span class="visually-hidden">Monday</span>' in page


def test_the_weeks_start_on_monday(client, logged_in):
    page = get_text(client, "/entries/calendar/2026/3/")  # 1 March 2026 is a Sunday
    first_row = page.split("<tbody>")[1].split("</tr>")[0]
    assert first_row.count('class="month-grid-outside"') == 6
    assert '<span class="month-grid-day">1</span>' in first_row


def test_an_empty_month_says_so_and_links_nothing(client, logged_in):
    page = get_text(client, "/entries/calendar/2026/3/")
    assert day_links(page) == {}
    assert "Nothing written this month" in page


def test_days_are_local_days_in_the_writers_zone(client, logged_in, make_entry):
    set_zone(logged_in, "Pacific/Auckland")  # UTC+13 in March
    make_entry(logged_in, "Late in UTC, early in Auckland", title="Auckland morning",
               created_at=at(2026, 3, 4, 12, 30))  # 01:30 on 5 March in Auckland
    make_entry(logged_in, "Still February in UTC", title="First of March",
               created_at=at(2026, 2, 28, 11, 30))  # 00:30 on 1 March in Auckland

    march = get_text(client, "/entries/calendar/2026/3/")
    assert day_links(march) == {"/entries/day/2026/3/1/": "1 March 2026, 1 entry",
                                "/entries/day/2026/3/5/": "5 March 2026, 1 entry"}
    assert day_links(get_text(client, "/entries/calendar/2026/2/")) == {}
    assert titles_in(get_text(client, "/entries/day/2026/3/5/")) == ["Auckland morning"]
    assert titles_in(get_text(client, "/entries/day/2026/3/4/")) == []
    assert titles_in(get_text(client, "/entries/day/2026/3/1/")) == ["First of March"]


def test_a_day_west_of_utc_ends_later(client, logged_in, make_entry):
    set_zone(logged_in, "America/Los_Angeles")  # UTC-7 in summer
    make_entry(logged_in, "An evening in California", title="Evening",
               created_at=at(2026, 7, 1, 3))  # 20:00 on 30 June there

    assert day_links(get_text(client, "/entries/calendar/2026/6/")) == {
        "/entries/day/2026/6/30/": "30 June 2026, 1 entry"}
    assert day_links(get_text(client, "/entries/calendar/2026/7/")) == {}
    assert titles_in(get_text(client, "/entries/day/2026/6/30/")) == ["Evening"]


def test_the_counts_of_a_month_are_one_read_of_the_day_totals(app, logged_in, make_entry):
    for day in range(1, 29):
        make_entry(logged_in, f"Day {day}", created_at=at(2026, 2, day))
    db.session.refresh(logged_in)
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        counts = entry_counts(logged_in, Month(2026, 2))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert not [statement for statement in statements if "FROM entries" in statement]
    reads = [statement for statement in statements if "FROM day_totals" in statement]
    assert len(reads) == 1
    assert sum(counts.values()) == 28 and counts[date(2026, 2, 14)] == 1


def test_the_calendar_opens_on_this_month_and_marks_today(client, logged_in, make_entry):
    today = local_today(logged_in)
    page = get_text(client, "/entries/calendar/")
    assert f"{Month(today.year, today.month).name}</span>" in page
    assert 'aria-current="date"' in page and ", today" in page

    make_entry(logged_in, "Written just now")
    page = get_text(client, "/entries/calendar/")
    label = f"{today.day} {Month(today.year, today.month).name}, 1 entry, today"
    assert day_links(page) == {
        f"/entries/day/{today.year}/{today.month}/{today.day}/": label}
    assert re.search(r'aria-label="[^"]+, today" aria-current="date"', page)


def test_the_months_link_to_their_neighbours_across_the_new_year(client, logged_in):
    december = get_text(client, "/entries/calendar/2026/12/")
    assert '<a rel="prev" href="/entries/calendar/2026/11/">' in december
    assert '<a rel="next" href="/entries/calendar/2027/1/">' in december
    assert 'href="/entries/calendar/2025/12/"' in december  # a year back
    assert 'href="/entries/calendar/2027/12/"' in december  # a year on
    assert "January 2027" in december

    january = get_text(client, "/entries/calendar/2027/1/")
    assert '<a rel="prev" href="/entries/calendar/2026/12/">' in january
    assert '<a rel="next" href="/entries/calendar/2027/2/">' in january


def test_the_first_and_last_months_link_no_further(client, logged_in):
    first = get_text(client, "/entries/calendar/1900/1/")
    assert 'rel="prev"' not in first and 'href="/entries/calendar/1899/' not in first
    last = get_text(client, "/entries/calendar/2999/12/")
    assert 'rel="next"' not in last and 'href="/entries/calendar/3000/' not in last


def test_the_jump_form_goes_to_a_month(client, logged_in):
    response = client.get("/entries/calendar/?month=7&year=2021")
    assert response.status_code == 302
    assert response.headers["Location"] == "/entries/calendar/2021/7/"


@pytest.mark.parametrize("query", ["month=7&year=abc", "month=7&year=1800", "month=7&year=",
                                   "month=13&year=2026", "month=x&year=2026",
                                   "month=7&year=²⁰²⁶", "month=7&year=" + "9" * 500])
def test_a_month_that_cannot_be_shown_is_a_message_not_an_error(client, logged_in, query):
    page = get_text(client, f"/entries/calendar/?{query}", status=400)
    assert 'class="field-error"' in page
    assert "Enter a year from 1900 to 2999." in page or "Choose a month." in page
    assert "<table" in page  # this month is still there to use


@pytest.mark.parametrize("url", [
    "/entries/calendar/2026/13/", "/entries/calendar/2026/0/", "/entries/calendar/1899/12/",
    "/entries/calendar/3000/1/", "/entries/calendar/99999999999999999999/1/",
    "/entries/calendar/2026/-1/", "/entries/calendar/2026/x/",
    "/entries/day/2026/2/30/", "/entries/day/2026/4/31/", "/entries/day/2026/13/1/",
    "/entries/day/2026/1/0/", "/entries/day/2025/2/29/", "/entries/day/1899/12/31/",
    "/entries/day/3000/1/1/", "/entries/day/2026/1/99999999999999999999/",
])
def test_a_month_or_day_that_does_not_exist_is_not_found(client, logged_in, url):
    get_text(client, url, status=404)


def test_a_leap_day_exists(client, logged_in):
    page = get_text(client, "/entries/day/2024/2/29/")
    assert "Thursday 29 February 2024" in page


# --- one day -----------------------------------------------------------------------------

def test_a_day_lists_exactly_its_entries_newest_first(client, logged_in, make_entry):
    make_entry(logged_in, "x", title="Evening", created_at=at(2026, 5, 12, 21))
    make_entry(logged_in, "x", title="Morning", created_at=at(2026, 5, 12, 0, 0))
    make_entry(logged_in, "x", title="Noon", created_at=at(2026, 5, 12, 12))
    make_entry(logged_in, "x", title="Day before", created_at=at(2026, 5, 11, 23, 59))
    make_entry(logged_in, "x", title="Day after", created_at=at(2026, 5, 13, 0, 0))

    page = get_text(client, "/entries/day/2026/5/12/")

    assert titles_in(page) == ["Evening", "Noon", "Morning"]
    assert "<h1>Tuesday 12 May 2026" in page
    assert '<a rel="prev" href="/entries/day/2026/5/11/">' in page
    assert '<a rel="next" href="/entries/day/2026/5/13/">' in page
    assert 'href="/entries/calendar/2026/5/"' in page
    assert 'href="/entries/on-this-day/?date=05-12"' in page


def test_a_day_links_its_neighbours_across_months_and_years(client, logged_in):
    page = get_text(client, "/entries/day/2026/12/31/")
    assert '<a rel="prev" href="/entries/day/2026/12/30/">' in page
    assert '<a rel="next" href="/entries/day/2027/1/1/">' in page
    assert 'rel="prev"' not in get_text(client, "/entries/day/1900/1/1/")
    assert 'rel="next"' not in get_text(client, "/entries/day/2999/12/31/")


def test_an_empty_day_says_so(client, logged_in):
    assert "Nothing written on 3 June 2026." in get_text(client, "/entries/day/2026/6/3/")


def test_a_long_day_is_paginated_without_gaps_or_repeats(app, client, logged_in, make_entry):
    app.config["ENTRIES_PER_PAGE"] = 2
    start = at(2026, 5, 12, 8)
    for number in range(5):
        make_entry(logged_in, "x", title=f"Entry {number}",
                   created_at=start + timedelta(hours=number))
    make_entry(logged_in, "x", title="Next day", created_at=at(2026, 5, 13, 1))

    seen, url = [], "/entries/day/2026/5/12/"
    while url:
        page = get_text(client, url)
        seen += titles_in(page)
        older = re.search(r'rel="next" href="([^"]+before=[^"]+)"', page)
        url = older.group(1).replace("&amp;", "&") if older else None

    assert seen == [f"Entry {number}" for number in (4, 3, 2, 1, 0)]
    newer = re.search(r'rel="prev" href="([^"]+after=[^"]+)"', page)
    assert newer and newer.group(1).startswith("/entries/day/2026/5/12/?")


def test_a_damaged_page_link_is_a_message(client, logged_in):
    page = get_text(client, "/entries/day/2026/5/12/?before=nonsense", status=400)
    assert "That page link is damaged" in page


# --- on this day -------------------------------------------------------------------------

def test_on_this_day_groups_every_year_newest_first(client, logged_in, make_entry):
    this_year = local_today(logged_in).year
    make_entry(logged_in, "x", title="This year", created_at=at(this_year, 3, 5, 9))
    make_entry(logged_in, "x", title="Last year, late", created_at=at(this_year - 1, 3, 5, 22))
    make_entry(logged_in, "x", title="Last year, early", created_at=at(this_year - 1, 3, 5, 7))
    make_entry(logged_in, "x", title="Three years ago", created_at=at(this_year - 3, 3, 5))
    make_entry(logged_in, "x", title="Wrong day", created_at=at(this_year - 1, 3, 6))

    page = get_text(client, "/entries/on-this-day/?date=03-05")

    assert "<h1>On this day: 5 March</h1>" in page
    assert years_in(page) == [this_year, this_year - 1, this_year - 3]
    assert titles_in(page) == ["This year", "Last year, early", "Last year, late",
                               "Three years ago"]
    assert "this year" in page and "1 year ago" in page and "3 years ago" in page
    assert 'href="/entries/on-this-day/?date=03-04"' in page
    assert 'href="/entries/on-this-day/?date=03-06"' in page


def test_on_this_day_shows_five_years_a_page_and_links_to_the_rest(client, logged_in,
                                                                   make_entry):
    years = list(range(2025, 2018, -1))  # seven years with an entry on 5 March
    for year in years:
        make_entry(logged_in, "x", title=f"March {year}", created_at=at(year, 3, 5, 9))

    first = get_text(client, "/entries/on-this-day/?date=03-05")
    assert years_in(first) == years[:5]
    assert "Later years" not in first
    assert 'href="/entries/on-this-day/?date=03-05&amp;before=2021"' in first

    rest = get_text(client, "/entries/on-this-day/?date=03-05&before=2021")
    assert years_in(rest) == [2020, 2019]
    assert titles_in(rest) == ["March 2020", "March 2019"]
    assert "Earlier years on 5 March" not in rest
    assert 'href="/entries/on-this-day/?date=03-05">' in rest  # back to the first page


def test_on_this_day_pages_back_to_the_previous_five_years(client, logged_in, make_entry):
    for year in range(2025, 2013, -1):  # twelve years: pages of 5, 5 and 2
        make_entry(logged_in, "x", title=f"March {year}", created_at=at(year, 3, 5, 9))
    last = get_text(client, "/entries/on-this-day/?date=03-05&before=2016")
    assert years_in(last) == [2015, 2014]
    assert 'href="/entries/on-this-day/?date=03-05&amp;before=2021">' in last
    middle = get_text(client, "/entries/on-this-day/?date=03-05&before=2021")
    assert years_in(middle) == [2020, 2019, 2018, 2017, 2016]


def test_on_this_day_refuses_a_year_that_is_no_year(client, logged_in):
    for before in ("abc", "0", "99999", "-1"):
        assert client.get(f"/entries/on-this-day/?date=03-05&before={before}").status_code == 404
    page = get_text(client, "/entries/on-this-day/?date=03-05&before=1950")
    assert "Nothing written on 5 March in any year yet." in page


def test_on_this_day_defaults_to_today(client, logged_in, make_entry):
    today = local_today(logged_in)
    make_entry(logged_in, "x", title="Just now")
    page = get_text(client, "/entries/on-this-day/")
    assert f"<h1>On this day: {today.day} {Month(today.year, today.month).name[:-5]}</h1>" in page
    assert years_in(page) == [today.year] and titles_in(page) == ["Just now"]


def test_a_day_with_nothing_in_any_year_says_so(client, logged_in):
    assert "Nothing written on 5 March in any year yet." in get_text(
        client, "/entries/on-this-day/?date=03-05")


def test_the_leap_day_shows_the_leap_years(client, logged_in, make_entry):
    make_entry(logged_in, "x", title="Leap 2024", created_at=at(2024, 2, 29))
    make_entry(logged_in, "x", title="Leap 2020", created_at=at(2020, 2, 29))
    make_entry(logged_in, "x", title="The day before", created_at=at(2024, 2, 28))
    make_entry(logged_in, "x", title="The day after", created_at=at(2023, 3, 1))

    page = get_text(client, "/entries/on-this-day/?date=02-29")

    assert "<h1>On this day: 29 February</h1>" in page
    assert years_in(page) == [2024, 2020]
    assert titles_in(page) == ["Leap 2024", "Leap 2020"]
    assert 'href="/entries/on-this-day/?date=02-28"' in page
    assert 'href="/entries/on-this-day/?date=03-01"' in page


def test_on_this_day_takes_a_date_from_the_date_picker(client, logged_in, make_entry):
    make_entry(logged_in, "x", title="Launch", created_at=at(2025, 11, 26))
    page = get_text(client, "/entries/on-this-day/?date=1999-11-26")
    assert titles_in(page) == ["Launch"]


@pytest.mark.parametrize("value", ["13-45", "02-30", "00-10", "11", "tomorrow", "", "1-2-3",
                                   "١١-٢٦", "' OR 1=1 --", "<b>x</b>" * 50])
def test_a_date_that_is_no_day_of_the_year_is_a_clear_400(client, logged_in, value):
    page = get_text(client, f"/entries/on-this-day/?date={value}", status=400)
    assert "is not a day of the year" in page
    assert "for example 02-29" in page and 'aria-invalid="true"' in page
    assert "<b>x</b>" not in page


def test_a_busy_year_links_to_its_whole_day(client, logged_in, make_entry):
    start = at(2024, 6, 1, 1)
    for number in range(6):
        make_entry(logged_in, "x", title=f"Note {number}",
                   created_at=start + timedelta(minutes=number))
    page = get_text(client, "/entries/on-this-day/?date=06-01")
    assert titles_in(page) == [f"Note {number}" for number in range(5)]
    assert "Only the first 5 are shown" in page
    assert 'href="/entries/day/2024/6/1/"' in page


# --- privacy -----------------------------------------------------------------------------

def test_another_users_entries_never_count_or_appear(client, logged_in, other_user,
                                                     make_entry):
    make_entry(logged_in, "Mine", title="My note", created_at=at(2025, 3, 5))
    for hour in (1, 2, 3):
        make_entry(other_user, "Bo's secret words", title="Bo's note",
                   created_at=at(2025, 3, 5, hour))
    make_entry(other_user, "Bo's secret words", title="Bo's other day",
               created_at=at(2025, 3, 9))

    calendar = get_text(client, "/entries/calendar/2025/3/")
    assert day_links(calendar) == {"/entries/day/2025/3/5/": "5 March 2025, 1 entry"}
    assert "1 entry" in calendar

    day = get_text(client, "/entries/day/2025/3/5/")
    assert titles_in(day) == ["My note"] and "Bo&#39;s" not in day and "secret" not in day
    assert "Nothing written" in get_text(client, "/entries/day/2025/3/9/")

    on_this_day = get_text(client, "/entries/on-this-day/?date=03-05")
    assert titles_in(on_this_day) == ["My note"] and "secret" not in on_this_day
    assert "Nothing written" in get_text(client, "/entries/on-this-day/?date=03-09")


def test_the_other_user_sees_only_their_own(client, logged_in, other_user, make_entry, login):
    make_entry(logged_in, "Ana's words", title="Ana's note", created_at=at(2025, 3, 5))
    make_entry(other_user, "Bo's words", title="Bo's note", created_at=at(2025, 3, 5, 1))
    client.post("/auth/logout")
    login(other_user, "a different long passphrase")

    assert day_links(get_text(client, "/entries/calendar/2025/3/")) == {
        "/entries/day/2025/3/5/": "5 March 2025, 1 entry"}
    assert titles_in(get_text(client, "/entries/day/2025/3/5/")) == ["Bo&#39;s note"]


@pytest.mark.parametrize("url", ["/entries/calendar/", "/entries/calendar/2026/3/",
                                 "/entries/calendar/?year=2026&month=3",
                                 "/entries/day/2026/3/5/", "/entries/on-this-day/",
                                 "/entries/on-this-day/?date=02-29"])
def test_signing_in_is_required(client, user, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_the_entry_list_links_the_date_views(client, logged_in):
    page = get_text(client, "/entries/")
    assert 'href="/entries/calendar/"' in page and 'href="/entries/on-this-day/"' in page
