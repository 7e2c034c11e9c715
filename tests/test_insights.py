"""Insights: local-day bucketing, hand-computed figures, isolation, and the page."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from journal.extensions import db
from journal.insights.queries import insights_for, months_between, weekly
from journal.models import Prompt, Reframe


@pytest.fixture
def app(any_backend_app):
    """Local dates are computed inside the database: check both kinds."""
    return any_backend_app


def local(zone: str, *parts) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.fixture
def berlin(user):
    user.timezone = "Europe/Berlin"
    db.session.commit()
    return user


def test_an_entry_at_23_30_local_time_counts_for_that_local_day(berlin, make_entry):
    make_entry(berlin, "late", created_at=local("Europe/Berlin", 2026, 6, 1, 23, 30))
    figures = insights_for(berlin, date(2026, 5, 25), date(2026, 6, 7))
    assert set(figures.days) == {date(2026, 6, 1)}  # 21:30 UTC, same date; and:
    make_entry(berlin, "after midnight", created_at=local("Europe/Berlin", 2026, 6, 2, 0, 30))
    figures = insights_for(berlin, date(2026, 5, 25), date(2026, 6, 7))
    assert figures.days[date(2026, 6, 2)].entries == 1  # 22:30 UTC on 1 June


def test_days_bucket_correctly_across_a_daylight_saving_change(user, make_entry):
    user.timezone = "America/New_York"
    db.session.commit()
    zone = "America/New_York"
    # clocks go forward at 02:00 on 8 March 2026; entries late each evening around it
    for day in (7, 8, 9):
        make_entry(user, f"evening {day}", created_at=local(zone, 2026, 3, day, 23, 45))
    make_entry(user, "just after midnight", created_at=local(zone, 2026, 3, 8, 0, 15))
    figures = insights_for(user, date(2026, 3, 1), date(2026, 3, 14))
    assert {day: value.entries for day, value in figures.days.items()} == {
        date(2026, 3, 7): 1, date(2026, 3, 8): 2, date(2026, 3, 9): 1}


def test_weeks_and_months_across_a_year_boundary():
    values = {date(2025, 12, 29): 1, date(2026, 1, 4): 2, date(2026, 1, 5): 3}
    assert weekly(values, date(2025, 12, 1), date(2026, 1, 31)) == [
        (date(2025, 12, 29), [1, 2]), (date(2026, 1, 5), [3])]
    assert months_between(date(2025, 11, 15), date(2026, 2, 1)) == [
        "2025-11", "2025-12", "2026-01", "2026-02"]


def test_figures_match_hand_computed_values(app, user, other_user, make_entry):
    at = lambda d, h=12: datetime(2026, 1, d, h, tzinfo=UTC)  # noqa: E731
    make_entry(user, "one two three", tags="work", created_at=at(1))
    make_entry(user, "four five", tags="work, team", created_at=at(2))
    win = make_entry(user, "six", tags="team", created_at=at(2, 18))
    win.is_win = True
    make_entry(user, "seven eight nine ten", created_at=at(5))
    prompt = db.session.scalar(select(Prompt).where(Prompt.theme == "evidence"))
    answered = make_entry(user, "answer", created_at=at(5, 20))
    answered.prompt_id = prompt.id
    reframed = make_entry(user, "", created_at=at(6))
    reframed.kind = "reframe"
    db.session.add(Reframe(entry_id=reframed.id, happened="x", critic="y",
                           belief_before=8, belief_after=3))
    make_entry(other_user, "bo writes lots of words here", tags="work",
               created_at=at(3))
    db.session.commit()

    figures = insights_for(user, date(2026, 1, 1), date(2026, 1, 31))
    assert figures.entry_count == 6
    assert figures.word_count == 3 + 2 + 1 + 4 + 1 + 0
    assert figures.win_count == 1
    assert sorted(figures.days) == [date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 5),
                                    date(2026, 1, 6)]
    assert figures.longest_streak() == (2, date(2026, 1, 2))
    assert figures.tag_totals == {"work": 2, "team": 2}
    assert figures.themes == {"evidence": 1}
    assert figures.belief == {date(2026, 1, 6): (8.0, 3.0, 1)}


def test_another_users_entries_change_nothing(app, user, other_user, make_entry):
    make_entry(user, "mine", created_at=datetime(2026, 1, 1, 12, tzinfo=UTC))
    before = insights_for(user, date(2026, 1, 1), date(2026, 1, 31))
    for day in range(1, 20):
        make_entry(other_user, "theirs #noise", created_at=datetime(2026, 1, day, tzinfo=UTC))
    after = insights_for(user, date(2026, 1, 1), date(2026, 1, 31))
    assert after.days == before.days and after.tag_totals == before.tag_totals


# --- the page ---------------------------------------------------------------------------

def test_a_new_user_sees_what_will_appear(client, logged_in):
    page = client.get("/insights/").get_data(as_text=True)
    assert "Nothing to chart yet" in page and "<svg" not in page


@pytest.mark.parametrize("range_key", ["30", "90", "365", "all", "bogus"])
def test_the_page_draws_every_chart_with_its_numbers(client, logged_in, make_entry, range_key):
    now = datetime.now(UTC)
    for days_ago in range(0, 20, 2):
        entry = make_entry(logged_in, "a few words #work",
                           created_at=now - timedelta(days=days_ago))
        entry.is_win = days_ago % 4 == 0
    db.session.commit()
    client.post("/entries/new", data={"kind": "reframe", "happened": "h", "critic": "c",
                                      "belief_before": "7", "belief_after": "2"})
    response = client.get("/insights/", query_string={"range": range_key})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for chart_id in ("chart-days", "chart-belief", "chart-tags", "chart-wins"):
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in page
    assert page.count('<details class="chart-data">') >= 4
    assert "<th scope=\"row\">#work</th>" in page
    assert "style=" not in page


def test_insights_need_a_login(client):
    assert client.get("/insights/").status_code == 302


def test_over_more_than_a_year_the_days_table_has_a_row_per_month(client, logged_in,
                                                                   make_entry):
    for day in (date(2024, 3, 4), date(2024, 3, 9), date(2025, 7, 1)):
        make_entry(logged_in, "Wrote. #work", created_at=datetime.combine(
            day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12))
    page = client.get("/insights/?range=all").get_data(as_text=True)
    assert '<th scope="row">Mar 2024</th><td class="num">2</td>' in page
    assert '<th scope="row">Jul 2025</th><td class="num">1</td>' in page
    assert "Mon 04 Mar 2024</th>" not in page
    shorter = client.get("/insights/?range=30").get_data(as_text=True)
    assert "Mar 2024</th>" not in shorter


def test_tags_by_month_are_counted_for_the_leading_tags(app, user, make_entry):
    for number in range(10):
        make_entry(user, f"Entry {number}", tags=f"tag{number}, common",
                   created_at=datetime(2026, 1, 5 + number, 9, tzinfo=UTC))
    figures = insights_for(user, date(2026, 1, 1), date(2026, 1, 31))
    assert figures.tag_totals["common"] == 10 and figures.tag_totals["tag9"] == 1
    assert len(figures.tag_totals) == 11
    assert figures.tags_by_month["2026-01"]["common"] == 10
    assert len(figures.tags_by_month["2026-01"]) == 3  # the tags whose months are charted


def test_all_time_tag_totals_leave_out_entries_dated_after_the_range(app, user, make_entry):
    make_entry(user, "Now #work", created_at=datetime(2026, 1, 5, 9, tzinfo=UTC))
    make_entry(user, "Then #work #home", created_at=datetime(2025, 1, 5, 9, tzinfo=UTC))
    everything = insights_for(user, date(2025, 1, 1), date(2026, 1, 31))
    assert everything.tag_totals == {"work": 2, "home": 1}
    make_entry(user, "Dated ahead #work", created_at=datetime(2026, 6, 5, 9, tzinfo=UTC))
    assert insights_for(user, date(2025, 1, 1), date(2026, 1, 31)).tag_totals == {
        "work": 2, "home": 1}
