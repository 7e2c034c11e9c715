"""Wins: Ana ("ana") marks entries as wins, finds them by tag and date, downloads a brag
document, and sees her own wins beside a doubt. Bo ("bo") has wins too, and none of them
ever shows up in Ana's pages, downloads or evidence."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from flask import render_template
from flask_login import login_user

from journal.extensions import db
from journal.wins import views as wins_views
from journal.wins.queries import evidence_for, shows_evidence
from tests.conftest import csrf_token_from

# --- helpers ------------------------------------------------------------------------

ENTRY_LINK = re.compile(r'class="entry-card-title">\s*<a href="/entries/(\d+)"')
EVIDENCE_LINK = re.compile(r'<li>\s*<a href="/entries/(\d+)"')
NEW_YORK = ZoneInfo("America/New_York")


def entry_ids_on(html: str) -> list[int]:
    """The entries listed on a page, in the order shown."""
    return [int(ident) for ident in ENTRY_LINK.findall(html)]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def ids(entries) -> list[int]:
    return [entry.id for entry in entries]


@pytest.fixture
def make_win(make_entry):
    """Factory: ``make_win(user, "text", part="what I did", tags=..., created_at=...)``."""

    def make(owner, body: str = "Shipped the importer.", *, part: str = "I wrote the parser.",
             **kwargs):
        entry = make_entry(owner, body, **kwargs)
        entry.is_win = True
        entry.win_part = part
        db.session.commit()
        return entry

    return make


def set_timezone(user, name: str) -> None:
    user.timezone = name
    db.session.commit()


# --- the wins page ------------------------------------------------------------------


def test_the_wins_pages_require_signing_in(client, user):
    for address in ("/wins/", "/wins/brag.md"):
        response = client.get(address)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login")


def test_wins_are_listed_newest_first_with_the_users_part(client, logged_in, make_entry,
                                                         make_win):
    oldest = make_win(logged_in, "Closed the audit.", part="I kept the checklist.",
                      created_at=utc(2026, 1, 5, 9))
    make_entry(logged_in, "An ordinary Tuesday.", created_at=utc(2026, 1, 6, 9))
    newest = make_win(logged_in, "Demo went well.", part="I rehearsed it twice.",
                      created_at=utc(2026, 1, 8, 9))
    middle = make_win(logged_in, "Fixed the flaky build.", part="I bisected the failure.",
                      created_at=utc(2026, 1, 7, 9))

    response = client.get("/wins/")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert entry_ids_on(html) == [newest.id, middle.id, oldest.id]
    assert "An ordinary Tuesday." not in html
    for part in ("I kept the checklist.", "I rehearsed it twice.", "I bisected the failure."):
        assert f"<strong>Your part:</strong> {part}" in html


def test_wins_page_through_older_wins_keeping_the_filter(app, client, logged_in, make_win):
    app.config["ENTRIES_PER_PAGE"] = 2
    wins = [make_win(logged_in, f"Win {n} #work", created_at=utc(2026, 2, n, 9))
            for n in range(1, 6)]
    make_win(logged_in, "A win at home #home", created_at=utc(2026, 2, 10, 9))

    first = client.get("/wins/?tag=work").get_data(as_text=True)
    assert entry_ids_on(first) == [wins[4].id, wins[3].id]
    older = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert "tag=work" in older

    second = client.get(older).get_data(as_text=True)
    assert entry_ids_on(second) == [wins[2].id, wins[1].id]


def test_a_tag_filter_includes_the_tags_below_it(client, logged_in, make_win):
    work = make_win(logged_in, "Shipped #work", created_at=utc(2026, 3, 1, 9))
    launch = make_win(logged_in, "Launched #work/launch", created_at=utc(2026, 3, 2, 9))
    make_win(logged_in, "Ran a workshop #workshop", created_at=utc(2026, 3, 3, 9))
    make_win(logged_in, "Fixed the shelf #home", created_at=utc(2026, 3, 4, 9))

    html = client.get("/wins/?tag=%23Work").get_data(as_text=True)

    assert entry_ids_on(html) == [launch.id, work.id]
    assert 'href="/wins/brag.md?tag=work"' in html


def test_a_tag_the_user_does_not_have_lists_nothing_and_says_so(client, logged_in, make_win):
    make_win(logged_in, "Shipped #work")

    response = client.get("/wins/?tag=gardening")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert entry_ids_on(html) == []
    assert "You have no tag #gardening, so no wins match." in html


def test_a_date_range_is_read_in_the_users_time_zone(client, logged_in, make_win):
    set_timezone(logged_in, "America/New_York")
    # 28 Feb 23:30 in New York is already 1 March in UTC: outside the range.
    make_win(logged_in, "Late February", created_at=datetime(2026, 2, 28, 23, 30, tzinfo=NEW_YORK))
    first = make_win(logged_in, "Just after midnight on 1 March",
                     created_at=datetime(2026, 3, 1, 0, 30, tzinfo=NEW_YORK))
    # 31 March 23:30 (daylight saving time by then) is 1 April in UTC: inside the range.
    last = make_win(logged_in, "Last evening of March",
                    created_at=datetime(2026, 3, 31, 23, 30, tzinfo=NEW_YORK))
    make_win(logged_in, "Early April", created_at=datetime(2026, 4, 1, 0, 30, tzinfo=NEW_YORK))

    html = client.get("/wins/?start=2026-03-01&end=2026-03-31").get_data(as_text=True)

    assert entry_ids_on(html) == [last.id, first.id]
    assert 'href="/wins/brag.md?start=2026-03-01&amp;end=2026-03-31"' in html


def test_a_one_day_range_holds_that_whole_local_day(client, logged_in, make_win):
    set_timezone(logged_in, "Europe/Berlin")
    # The clocks go forward on 29 March 2026 in Berlin: the day is 23 hours long.
    morning = make_win(logged_in, "Morning", created_at=datetime(2026, 3, 29, 0, 10,
                                                                 tzinfo=ZoneInfo("Europe/Berlin")))
    night = make_win(logged_in, "Night", created_at=datetime(2026, 3, 29, 23, 50,
                                                             tzinfo=ZoneInfo("Europe/Berlin")))
    make_win(logged_in, "Next day", created_at=datetime(2026, 3, 30, 0, 10,
                                                        tzinfo=ZoneInfo("Europe/Berlin")))

    html = client.get("/wins/?start=2026-03-29&end=2026-03-29").get_data(as_text=True)

    assert entry_ids_on(html) == [night.id, morning.id]


@pytest.mark.parametrize(("query", "message"), [
    ("start=2026-13-01", "Enter a date as YYYY-MM-DD"),
    ("end=yesterday", "Enter a date as YYYY-MM-DD"),
    ("start=2026-03-10&end=2026-03-01", "The end date is before the start date."),
    ("end=9999-12-31", "Choose a date between 1900 and 2999."),
    ("start=0001-01-01", "Choose a date between 1900 and 2999."),
    ("tag=two%20words", "is not a valid tag"),
    ("tag=" + "x" * 101, "Field cannot be longer than 100 characters."),
])
def test_a_filter_that_cannot_be_read_is_explained_on_the_page(client, logged_in, make_win,
                                                               query, message):
    make_win(logged_in, "Shipped #work")

    for address in (f"/wins/?{query}", f"/wins/brag.md?{query}"):
        response = client.get(address)
        html = response.get_data(as_text=True)
        assert response.status_code == 400, address
        assert response.mimetype == "text/html"
        assert message in html
        # The summary links to the field, and the field points at its message.
        field = re.search(r'<li><a href="#(\w+)">', html).group(1)
        assert re.search(rf'aria-describedby="[^"]*{field}-error"[^>]*aria-invalid="true"', html)
        assert entry_ids_on(html) == []
        assert "Download as Markdown" not in html


def test_a_damaged_page_link_answers_400(client, logged_in, make_win):
    make_win(logged_in)
    assert client.get("/wins/?before=not-a-cursor").status_code == 400


def test_with_no_wins_the_page_explains_what_a_win_is(client, logged_in, make_entry):
    make_entry(logged_in, "Not a win, just a note.")

    html = client.get("/wins/").get_data(as_text=True)

    assert entry_ids_on(html) == []
    assert "This was a win” when you write or edit an entry" in html
    assert 'href="/entries/new"' in html
    assert "Download as Markdown" not in html


def test_filters_that_match_nothing_say_so(client, logged_in, make_win):
    make_win(logged_in, "Shipped #work", created_at=utc(2026, 3, 1, 9))

    html = client.get("/wins/?start=2025-01-01&end=2025-12-31").get_data(as_text=True)

    assert entry_ids_on(html) == []
    assert "No wins match these filters." in html


# --- the brag document --------------------------------------------------------------


def test_the_brag_document_downloads_the_wins_in_a_range(client, logged_in, make_entry,
                                                         make_win):
    set_timezone(logged_in, "America/New_York")
    make_win(logged_in, "Before the range", created_at=utc(2026, 2, 20, 15))
    make_win(logged_in, "Cut the build time in half.\n\nFrom 20 minutes to 9.",
             title="Faster builds", part="I profiled the slowest steps.",
             tags="work/ci, Infra", created_at=utc(2026, 3, 2, 15))
    make_entry(logged_in, "A note that is not a win", created_at=utc(2026, 3, 3, 15))
    # 31 March 23:30 in New York: 1 April in UTC, 31 March where Ana lives.
    make_win(logged_in, "Mentored Sam through the on-call week.", part="I paired every night.",
             created_at=datetime(2026, 3, 31, 23, 30, tzinfo=NEW_YORK))
    make_win(logged_in, "After the range", created_at=utc(2026, 4, 2, 15))

    response = client.get("/wins/brag.md?start=2026-03-01&end=2026-03-31")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="wins-2026-03-01-to-2026-03-31.md"')
    text = response.get_data(as_text=True)
    assert text.startswith("# My wins, Sunday 1 March 2026 to Tuesday 31 March 2026\n")
    assert "Before the range" not in text
    assert "After the range" not in text
    assert "not a win" not in text
    assert (
        "## Monday 2 March 2026: Faster builds\n\n"
        "**My part:** I profiled the slowest steps.\n\n"
        "Cut the build time in half.\n\nFrom 20 minutes to 9.\n\n"
        "Tags: #Infra, #work/ci\n"
    ) in text
    assert ("## Tuesday 31 March 2026: Mentored Sam through the on-call week.\n\n"
            "**My part:** I paired every night.\n") in text
    # Oldest first: the document reads as the story of the period.
    assert text.index("Faster builds") < text.index("Mentored Sam")


def test_the_brag_document_keeps_the_tag_filter(client, logged_in, make_win):
    make_win(logged_in, "Launched the beta #work/launch", created_at=utc(2026, 3, 2, 9))
    make_win(logged_in, "Fixed the shelf #home", created_at=utc(2026, 3, 3, 9))

    text = client.get("/wins/brag.md?tag=work&start=2026-03-01&end=2026-03-31").get_data(
        as_text=True)

    assert "Wins tagged #work or a tag below it." in text
    assert "Launched the beta" in text
    assert "Fixed the shelf" not in text


def test_the_brag_document_without_dates_runs_from_the_first_win_to_today(client, logged_in,
                                                                          make_win):
    make_win(logged_in, "The first one", created_at=utc(2025, 6, 1, 9))
    make_win(logged_in, "A later one", created_at=utc(2026, 1, 1, 9))

    response = client.get("/wins/brag.md")

    today = datetime.now(UTC).date().isoformat()  # the test accounts use UTC
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="wins-2025-06-01-to-{today}.md"')
    text = response.get_data(as_text=True)
    assert "The first one" in text and "A later one" in text


def test_an_empty_range_gives_a_document_that_says_so(client, logged_in, make_win):
    make_win(logged_in, created_at=utc(2026, 3, 2, 9))

    text = client.get("/wins/brag.md?start=2020-01-01&end=2020-12-31").get_data(as_text=True)

    assert text.startswith("# My wins, Wednesday 1 January 2020 to Thursday 31 December 2020")
    assert "No wins were marked in this range." in text


def test_the_brag_document_streams_in_batches(client, logged_in, make_win, monkeypatch):
    monkeypatch.setattr(wins_views, "BRAG_BATCH", 2)
    for day in range(1, 8):
        make_win(logged_in, f"Win number {day} #batch/n{day}", part=f"part {day}",
                 created_at=utc(2026, 3, day, 9))

    response = client.get("/wins/brag.md?start=2026-03-01&end=2026-03-31")

    assert response.is_streamed
    text = response.get_data(as_text=True)
    for day in range(1, 8):
        assert f"**My part:** part {day}\n" in text
        assert f"Tags: #batch/n{day}\n" in text
    positions = [text.index(f"Win number {day} ") for day in range(1, 8)]
    assert positions == sorted(positions)


# --- marking a win on the entry page -------------------------------------------------


def test_an_entry_page_offers_to_mark_it_as_a_win(client, logged_in, make_entry):
    entry = make_entry(logged_in, "Gave the talk.")

    html = client.get(f"/entries/{entry.id}").get_data(as_text=True)

    assert "<summary>Mark as a win</summary>" in html
    assert f'action="/entries/{entry.id}/win"' in html
    assert 'name="win_part"' in html and 'name="csrf_token"' in html
    assert "Unmark as a win" not in html


def test_marking_a_win_asks_for_the_part_and_lands_back_on_the_entry(client, logged_in,
                                                                     make_entry):
    entry = make_entry(logged_in, "Gave the talk.")

    response = client.post(f"/entries/{entry.id}/win",
                           data={"win_part": "  I rehearsed it with Priya twice.  "})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/entries/{entry.id}"
    db.session.refresh(entry)
    assert entry.is_win and entry.win_part == "I rehearsed it with Priya twice."
    assert entry.version == 2  # an edit: an editor opened before now gets the conflict page
    assert entry.word_count == 3 + 6
    page = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert "Marked as a win. You will find it on your wins page." in page
    assert "A win: your part in it" in page and "I rehearsed it with Priya twice." in page
    assert "<summary>Edit your part</summary>" in page and "Unmark as a win" in page
    assert entry_ids_on(client.get("/wins/").get_data(as_text=True)) == [entry.id]
    found = client.get("/search?q=rehearsed").get_data(as_text=True)
    assert f'href="/entries/{entry.id}"' in found


def test_a_win_can_be_marked_now_and_its_part_written_later(client, logged_in, make_entry):
    entry = make_entry(logged_in, "Closed the audit.")

    client.post(f"/entries/{entry.id}/win", data={"win_part": "   "})

    db.session.refresh(entry)
    assert entry.is_win and entry.win_part is None
    page = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert "Not written yet." in page
    assert '<details class="win-mark-details" open>' in page
    assert "<summary>Write your part</summary>" in page


def test_the_part_of_a_win_can_be_rewritten_in_place(client, logged_in, make_win):
    win = make_win(logged_in, "Demo went well.", part="I prepared.")

    response = client.post(f"/entries/{win.id}/win",
                           data={"win_part": "I wrote the demo script."})

    assert response.headers["Location"] == f"/entries/{win.id}"
    db.session.refresh(win)
    assert win.is_win and win.win_part == "I wrote the demo script."
    page = client.get(f"/entries/{win.id}").get_data(as_text=True)
    assert "Your part in this win is saved." in page
    assert "I wrote the demo script." in page and "I prepared." not in page


def test_unmarking_keeps_the_part_for_next_time(client, logged_in, make_win):
    win = make_win(logged_in, "Demo went well.", part="I wrote the demo script.")

    response = client.post(f"/entries/{win.id}/win/remove")

    assert response.headers["Location"] == f"/entries/{win.id}"
    db.session.refresh(win)
    assert not win.is_win and win.win_part == "I wrote the demo script."
    page = client.get(f"/entries/{win.id}").get_data(as_text=True)
    assert "No longer marked as a win." in page
    assert "A win: your part in it" not in page and "Unmark as a win" not in page
    assert "<summary>Mark as a win</summary>" in page
    assert ">I wrote the demo script.</textarea>" in page  # offered again when re-marking
    assert entry_ids_on(client.get("/wins/").get_data(as_text=True)) == []


def test_an_editor_opened_before_the_mark_does_not_silently_undo_it(client, logged_in,
                                                                   make_entry):
    entry = make_entry(logged_in, "Gave the talk.")
    editor = client.get(f"/entries/{entry.id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in editor

    client.post(f"/entries/{entry.id}/win", data={"win_part": "I rehearsed."})
    stale = client.post(f"/entries/{entry.id}/edit",
                        data={"body": "Gave the talk.", "version": "1"})

    assert stale.status_code == 409
    db.session.refresh(entry)
    assert entry.is_win and entry.win_part == "I rehearsed."


def test_another_users_entry_cannot_be_marked_or_unmarked(client, logged_in, other_user,
                                                           make_entry, make_win):
    plain = make_entry(other_user, "Bo's day.")
    win = make_win(other_user, "Bo's launch.", part="Bo's part")

    assert client.post(f"/entries/{plain.id}/win", data={"win_part": "mine"}).status_code == 404
    assert client.post(f"/entries/{win.id}/win", data={"win_part": "mine"}).status_code == 404
    assert client.post(f"/entries/{win.id}/win/remove").status_code == 404
    assert client.post("/wins/999999/win", data={"win_part": "x"}).status_code == 404

    db.session.refresh(plain)
    db.session.refresh(win)
    assert not plain.is_win and plain.win_part is None and plain.version == 1
    assert win.is_win and win.win_part == "Bo's part" and win.version == 1


def test_marking_needs_a_post(client, logged_in, make_entry):
    entry = make_entry(logged_in, "Gave the talk.")
    assert client.get(f"/entries/{entry.id}/win").status_code == 405
    assert client.get(f"/entries/{entry.id}/win/remove").status_code == 405


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_marking_without_a_valid_csrf_token_is_refused(client, user, login, make_entry,
                                                       make_win):
    login(user, csrf_token=csrf_token_from(client.get("/auth/login").get_data(as_text=True)))
    entry = make_entry(user, "Gave the talk.")
    win = make_win(user, "Demo went well.", part="I prepared.")

    for address, data in ((f"/entries/{entry.id}/win", {"win_part": "I rehearsed."}),
                          (f"/entries/{entry.id}/win", {"win_part": "x", "csrf_token": "stale"}),
                          (f"/entries/{win.id}/win/remove", {}),
                          (f"/entries/{win.id}/win", {"win_part": "changed"})):
        assert client.post(address, data=data).status_code == 400

    db.session.refresh(entry)
    db.session.refresh(win)
    assert not entry.is_win and entry.version == 1
    assert win.is_win and win.win_part == "I prepared." and win.version == 1
    page = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    marked = client.post(f"/entries/{entry.id}/win",
                         data={"win_part": "I rehearsed.", "csrf_token": csrf_token_from(page)})
    assert marked.status_code == 302
    db.session.refresh(entry)
    assert entry.is_win


# --- privacy ------------------------------------------------------------------------


def test_another_users_wins_never_appear(client, logged_in, other_user, make_win):
    mine = make_win(logged_in, "My launch #work", created_at=utc(2026, 3, 2, 9))
    theirs = make_win(other_user, "Bo's launch #work", part="Bo's part",
                      created_at=utc(2026, 3, 3, 9))

    listed = client.get("/wins/").get_data(as_text=True)
    by_tag = client.get("/wins/?tag=work").get_data(as_text=True)
    brag = client.get("/wins/brag.md?start=2026-01-01&end=2026-12-31").get_data(as_text=True)

    assert entry_ids_on(listed) == [mine.id]
    assert entry_ids_on(by_tag) == [mine.id]
    assert "Bo's" not in listed + by_tag + brag
    assert "My launch" in brag
    assert theirs.id not in ids(evidence_for(mine))


# --- evidence -----------------------------------------------------------------------


@pytest.fixture(params=["walk the wins", "read the links"])
def evidence_plan(request, monkeypatch):
    """Both ways of finding wins that share a tag: tested win by win (common tags) and
    read as the list of links (rare tags) give the same wins."""
    from journal.tags import queries

    monkeypatch.setattr(queries, "COMMON_TAG_ENTRIES",
                        0 if request.param == "walk the wins" else 10_000)


def test_evidence_is_wins_that_share_a_tag_newest_first(user, make_entry, make_win, evidence_plan):
    doubt = make_entry(user, "Nobody will use this. #doubt #work/launch")
    older = make_win(user, "Beta signups #work/launch", created_at=utc(2026, 1, 2, 9))
    newer = make_win(user, "Launch post #work/launch", created_at=utc(2026, 1, 9, 9))
    make_win(user, "Fixed the shelf #home", created_at=utc(2026, 1, 12, 9))
    make_win(user, "Parent tag only #work", created_at=utc(2026, 1, 13, 9))

    assert ids(evidence_for(doubt)) == [newer.id, older.id]


def test_evidence_falls_back_to_recent_wins(user, make_entry, make_win):
    doubt = make_entry(user, "Am I any good at this? #doubt")
    wins = [make_win(user, f"Win {n} #other", created_at=utc(2026, 1, n, 9))
            for n in range(1, 8)]

    assert ids(evidence_for(doubt)) == [w.id for w in reversed(wins[2:])]


def test_evidence_leaves_out_the_entry_itself(user, make_win, evidence_plan):
    entry = make_win(user, "A win I still doubt #doubt #work", created_at=utc(2026, 1, 1, 9))
    other = make_win(user, "Another win #work", created_at=utc(2026, 1, 2, 9))

    assert ids(evidence_for(entry)) == [other.id]


def test_evidence_is_at_most_five_wins(user, make_entry, make_win, evidence_plan):
    doubt = make_entry(user, "This release is a mess. #doubt #work")
    wins = [make_win(user, f"Win {n} #work", created_at=utc(2026, 2, n, 9))
            for n in range(1, 9)]

    assert ids(evidence_for(doubt)) == [w.id for w in reversed(wins[3:])]
    assert len(evidence_for(doubt, limit=2)) == 2


def test_evidence_with_no_wins_is_empty(user, other_user, make_entry, make_win):
    make_win(other_user, "Bo's win #doubt")
    doubt = make_entry(user, "Who am I kidding #doubt")

    assert evidence_for(doubt) == []


def test_another_users_shared_tag_is_not_evidence(user, other_user, make_entry, make_win):
    make_win(other_user, "Bo shipped #work", created_at=utc(2026, 3, 1, 9))
    mine = make_win(user, "Ana shipped #home", created_at=utc(2026, 1, 1, 9))
    doubt = make_entry(user, "Not sure about this #doubt #work")

    # No win of Ana's shares #work, so she sees her recent wins, never Bo's.
    assert ids(evidence_for(doubt)) == [mine.id]


@pytest.mark.parametrize(("tags", "kind", "expected"), [
    ("", "reframe", True),
    ("doubt", "note", True),
    ("Doubt/launch", "note", True),
    ("work, doubt/launch/beta", "note", True),
    ("", "note", False),
    ("doubtful", "note", False),
    ("work/doubt", "note", False),
])
def test_which_entries_show_evidence(user, make_entry, tags, kind, expected):
    entry = make_entry(user, "Some text.", tags=tags)
    entry.kind = kind
    db.session.commit()

    assert shows_evidence(entry) is expected


def test_a_doubt_entrys_page_shows_only_ones_own_wins(client, logged_in, other_user,
                                                     make_entry, make_win):
    mine = make_win(logged_in, "Ran the launch retro #work", created_at=utc(2026, 3, 2, 9))
    make_win(other_user, "Bo's launch #work", created_at=utc(2026, 3, 3, 9))
    doubt = make_entry(logged_in, "They only liked the demo out of politeness. #doubt #work")
    note = make_entry(logged_in, "Lunch with the team #work")

    doubt_page = client.get(f"/entries/{doubt.id}").get_data(as_text=True)
    note_page = client.get(f"/entries/{note.id}").get_data(as_text=True)

    assert "Evidence from your own record" in doubt_page
    assert [int(ident) for ident in EVIDENCE_LINK.findall(doubt_page)] == [mine.id]
    assert "Bo's" not in doubt_page
    assert "Evidence from your own record" not in note_page


def render_evidence(app, user, evidence) -> str:
    with app.test_request_context():
        login_user(user)
        return render_template("_partials/evidence.html", evidence=evidence)


def test_the_evidence_panel_links_each_win_with_its_date_and_part(app, user, make_entry,
                                                                 make_win):
    set_timezone(user, "America/New_York")
    win = make_win(user, "Closed the biggest deal of the quarter #work", part="I ran the demo.",
                   created_at=utc(2026, 3, 1, 3))  # 28 February, 22:00 in New York
    doubt = make_entry(user, "Maybe it was luck #doubt #work")

    html = render_evidence(app, user, evidence_for(doubt))

    assert "Evidence from your own record" in html
    assert "Doubt keeps count of the misses and leaves these out." in html
    assert [int(ident) for ident in EVIDENCE_LINK.findall(html)] == [win.id]
    assert "Sat 28 Feb 2026" in html
    assert "<strong>Your part:</strong> I ran the demo." in html


def test_the_evidence_panel_without_wins_says_how_to_mark_one(app, user):
    html = render_evidence(app, user, [])

    assert EVIDENCE_LINK.findall(html) == []
    assert "Your wins will appear here once you mark some" in html
