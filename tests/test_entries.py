"""Entries: writing, reading, editing with conflicts, deleting, starring, pagination,
Markdown safety, and never losing what was typed."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from journal.extensions import db
from journal.models import Entry, Tag
from journal.ownership import owned
from journal.rendering import render_markdown, sanitize_html
from journal.tags.lookup import tags_named
from tests.conftest import PASSWORD, csrf_token_from


def entry_count(owner=None) -> int:
    statement = select(func.count()).select_from(Entry)
    if owner is not None:
        statement = statement.where(Entry.owner_id == owner.id)
    return db.session.scalar(statement)


def tag_names(entry: Entry) -> list[str]:
    db.session.refresh(entry)
    return sorted(tag.name for tag in entry.tags)


# --- writing -----------------------------------------------------------------------------

def test_saving_an_entry_lands_on_its_page_with_its_tags(client, logged_in):
    response = client.post("/entries/new", data={
        "title": "Launch day", "body": "We shipped #launch and it held up.\n\nGood *day*.",
        "tags": "work/Launch, team"})
    assert response.status_code == 302
    entry = db.session.scalar(owned(Entry, logged_in))
    assert response.headers["Location"] == f"/entries/{entry.id}"
    page = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert "Launch day" in page and "<em>day</em>" in page
    assert "#work/Launch" in page and "#team" in page and "#launch" in page
    assert tag_names(entry) == ["launch", "team", "work/launch"]
    assert entry.version == 1 and entry.created_at.tzinfo is not None


def test_the_page_after_saving_tells_the_browser_to_drop_the_local_draft(client, logged_in):
    response = client.post("/entries/new", data={"body": "Draft me"}, follow_redirects=True)
    assert 'data-saved-draft="entry:new"' in response.get_data(as_text=True)


def test_title_is_optional_and_the_first_line_stands_in(client, logged_in, make_entry):
    make_entry(logged_in, "# Fixed the flaky test\n\nIt was a race in the fixture.")
    page = client.get("/entries/").get_data(as_text=True)
    assert "Fixed the flaky test" in page
    assert "It was a race in the fixture." in page


def test_an_empty_entry_is_refused_with_a_message(client, logged_in):
    response = client.post("/entries/new", data={"title": "Only a title", "body": "  "})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Write something before saving." in text and 'value="Only a title"' in text
    assert entry_count() == 0


def test_an_invalid_tag_is_named_and_the_text_stays(client, logged_in):
    body = "Two hours of writing that must not vanish."
    response = client.post("/entries/new", data={"title": "Keep me", "body": body,
                                                 "tags": "good, bad tag!, fine"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "“bad tag!” is not a valid tag" in text
    assert body in text and 'value="Keep me"' in text and "bad tag!, fine" in text
    assert entry_count() == 0


def test_at_most_fifty_tags(client, logged_in):
    tags = ", ".join(f"t{i}" for i in range(51))
    response = client.post("/entries/new", data={"body": "many", "tags": tags})
    assert response.status_code == 400
    assert "at most 50 tags" in response.get_data(as_text=True)
    fifty = ", ".join(f"t{i}" for i in range(50))
    assert client.post("/entries/new", data={"body": "many", "tags": fifty}).status_code == 302


def test_tags_ignore_case_width_and_duplicates(client, logged_in):
    client.post("/entries/new", data={"body": "#Work and #WORK", "tags": "work, Ｗｏｒｋ"})
    entry = db.session.scalar(owned(Entry, logged_in))
    assert tag_names(entry) == ["work"]
    assert db.session.scalar(select(func.count()).select_from(Tag)) == 1


def test_quick_entry_from_the_start_page(client, logged_in):
    page = client.get("/").get_data(as_text=True)
    assert 'action="/entries/new"' in page
    response = client.post("/entries/new", data={"body": "Quick note #wins", "tags": ""})
    assert response.status_code == 302
    assert "Quick note" in client.get("/").get_data(as_text=True)


# --- reading -----------------------------------------------------------------------------

def test_entries_are_listed_newest_first_with_date_tags_and_excerpt(client, logged_in,
                                                                    make_entry):
    now = datetime.now(UTC)
    make_entry(logged_in, "older body", title="Older", created_at=now - timedelta(days=2))
    make_entry(logged_in, "newer body text", title="Newer", tags="team", created_at=now)
    page = client.get("/entries/").get_data(as_text=True)
    assert page.index("Newer") < page.index("Older")
    assert "newer body text" in page and "#team" in page and "<time" in page


def test_times_are_shown_in_the_users_time_zone(client, logged_in, make_entry):
    make_entry(logged_in, "late night", created_at=datetime(2026, 3, 1, 22, 30, tzinfo=UTC))
    assert "1 Mar 2026, 22:30" in client.get("/entries/").get_data(as_text=True)
    response = client.post("/account/", data={"timezone": "Asia/Tokyo"})
    assert response.status_code == 302
    assert "2 Mar 2026, 07:30" in client.get("/entries/").get_data(as_text=True)


def test_an_unknown_time_zone_is_refused(client, logged_in):
    response = client.post("/account/", data={"timezone": "Mars/Olympus_Mons"})
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    db.session.refresh(logged_in)
    assert logged_in.timezone is None


def test_star_and_unstar_do_not_count_as_edits(client, logged_in, make_entry):
    entry = make_entry(logged_in, "proud of this")
    client.post(f"/entries/{entry.id}/star", data={"starred": "1"})
    db.session.refresh(entry)
    assert entry.starred and entry.version == 1
    assert "★" in client.get("/entries/").get_data(as_text=True)
    client.post(f"/entries/{entry.id}/star", data={"starred": "0"})
    db.session.refresh(entry)
    assert not entry.starred


# --- pagination ----------------------------------------------------------------------------

def test_keyset_pages_cover_every_entry_once_even_with_equal_timestamps(client, logged_in,
                                                                        make_entry):
    same_moment = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    for number in range(45):
        make_entry(logged_in, f"entry number {number:02d}", title=f"E{number:02d}",
                   created_at=same_moment if number < 30 else same_moment + timedelta(hours=1))
    seen, url, pages = [], "/entries/", []
    while url:
        page = client.get(url).get_data(as_text=True)
        titles = re.findall(r">(E\d\d)<", page)
        pages.append(titles)
        seen.extend(titles)
        url = _link(page, 'rel="next"')
    assert [len(p) for p in pages] == [20, 20, 5]
    assert sorted(seen) == [f"E{n:02d}" for n in range(45)] and len(set(seen)) == 45
    # newest first: the later hour first, then by id descending within a timestamp
    assert seen == [f"E{n:02d}" for n in range(44, -1, -1)]
    # and back again through "Newer"
    last = client.get(_last_url(client)).get_data(as_text=True)
    newer = client.get(_link(last, 'rel="prev"')).get_data(as_text=True)
    assert re.findall(r">(E\d\d)<", newer) == pages[1]


def _link(page: str, rel: str) -> str | None:
    import html
    import re

    match = re.search(rf'{rel} href="([^"]+)"', page)
    return html.unescape(match.group(1)) if match else None


def _last_url(client):
    url = "/entries/"
    while True:
        following = _link(client.get(url).get_data(as_text=True), 'rel="next"')
        if following is None:
            return url
        url = following


@pytest.mark.parametrize("cursor", ["garbage", "1.2.3", "99999999999999999999999.1", ""])
def test_a_damaged_page_link_is_a_clear_400(client, logged_in, make_entry, cursor):
    make_entry(logged_in)
    response = client.get("/entries/", query_string={"before": cursor})
    if cursor == "":
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        assert "page link is damaged" in response.get_data(as_text=True)


# --- editing and conflicts ----------------------------------------------------------------

def test_editing_changes_text_and_tags_and_raises_the_version(client, logged_in, make_entry):
    entry = make_entry(logged_in, "first draft", tags="old")
    form = client.get(f"/entries/{entry.id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in form and "first draft" in form
    response = client.post(f"/entries/{entry.id}/edit", data={
        "title": "", "body": "second draft #new", "tags": "", "version": "1"})
    assert response.headers["Location"] == f"/entries/{entry.id}"
    db.session.refresh(entry)
    assert entry.body == "second draft #new" and entry.version == 2
    assert tag_names(entry) == ["new"]
    assert "old" not in tags_named(logged_in, ["old"])


def test_saving_over_a_newer_version_answers_409_with_both_versions(client, logged_in,
                                                                   make_entry):
    entry = make_entry(logged_in, "original")
    client.post(f"/entries/{entry.id}/edit", data={"body": "saved from tab one",
                                                   "version": "1"})
    stale = client.post(f"/entries/{entry.id}/edit", data={
        "body": "typed in tab two", "tags": "mine", "version": "1"})
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "saved from tab one" in page and "typed in tab two" in page
    db.session.refresh(entry)
    assert entry.body == "saved from tab one" and entry.version == 2
    # "Keep my version" posts the typed text against the current version
    assert 'name="version" type="hidden" value="2"' in page
    kept = client.post(f"/entries/{entry.id}/edit", data={
        "body": "typed in tab two", "tags": "mine", "version": "2"})
    assert kept.status_code == 302
    db.session.refresh(entry)
    assert entry.body == "typed in tab two" and entry.version == 3


# --- deleting ----------------------------------------------------------------------------

def test_deleting_asks_first_then_removes(client, logged_in, make_entry):
    entry = make_entry(logged_in, "regrettable", tags="oops")
    confirm = client.get(f"/entries/{entry.id}/delete").get_data(as_text=True)
    assert "Delete this entry?" in confirm and entry_count() == 1
    response = client.post(f"/entries/{entry.id}/delete")
    assert response.headers["Location"] == "/entries/"
    assert entry_count() == 0
    assert db.session.scalar(select(func.count()).select_from(Tag)) == 0


# --- privacy -----------------------------------------------------------------------------

def test_another_users_entry_is_404_on_every_url_and_verb(app, make_entry, user,
                                                          other_user, login, client):
    entry = make_entry(user, "ana's private words", tags="secret")
    login(other_user, "a different long passphrase")
    before = (entry.body, entry.version, entry.starred)
    attempts = [
        ("get", f"/entries/{entry.id}", None),
        ("get", f"/entries/{entry.id}/edit", None),
        ("post", f"/entries/{entry.id}/edit", {"body": "defaced", "version": "1"}),
        ("post", f"/entries/{entry.id}/star", {"starred": "1"}),
        ("get", f"/entries/{entry.id}/delete", None),
        ("post", f"/entries/{entry.id}/delete", {}),
    ]
    for method, url, data in attempts:
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 404, (method, url)
        assert "ana's private words" not in response.get_data(as_text=True)
    db.session.refresh(entry)
    assert (entry.body, entry.version, entry.starred) == before
    listing = client.get("/entries/").get_data(as_text=True)
    assert "ana&#39;s private words" not in listing and "private words" not in listing


# --- Markdown safety ---------------------------------------------------------------------

@pytest.mark.parametrize("payload", [
    "[click](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[x](JaVaScRiPt:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](https://tracker.example/pixel.png)",
    "<iframe src=//evil.example></iframe>",
])
def test_hostile_markdown_renders_inert(client, logged_in, make_entry, payload):
    entry = make_entry(logged_in, payload)
    page = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    body = page.split('class="entry-body">', 1)[1].split("</div>", 1)[0]
    tags = [tag.lower() for tag in re.findall(r"<[^>]*>", body)]
    assert tags, "the payload should still be shown, as text"
    for tag in tags:
        assert not re.match(r"<\s*(script|img|iframe)", tag), tag
        assert "javascript:" not in tag and "data:" not in tag, tag
        assert not re.search(r"\son\w+\s*=", tag), tag


def test_safe_links_survive_with_noopener(make_entry):
    html = render_markdown("[site](https://example.org) and [mail](mailto:a@b.example)")
    assert 'href="https://example.org"' in html and 'href="mailto:a@b.example"' in html
    assert "noopener" in html


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>\"'=/ ajvscrptonerlimg:()[]!#`*&;x")),
               max_size=120))
def test_sanitizer_never_lets_script_through(text):
    for html in (render_markdown(text), sanitize_html(text)):
        lowered = html.lower()
        assert "<script" not in lowered
        assert "javascript:" not in lowered
        assert " onerror=" not in lowered and " onload=" not in lowered


# --- writing is never lost ---------------------------------------------------------------

@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_a_refused_csrf_token_shows_the_typed_text_again(client, user, login):
    page = client.get("/auth/login").get_data(as_text=True)
    login(user, csrf_token=csrf_token_from(page))
    body = "Everything I wrote tonight\nwith two lines."
    response = client.post("/entries/new", data={"title": "Late", "body": body,
                                                 "tags": "doubt", "csrf_token": "stale"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Everything I wrote tonight" in text and 'value="Late"' in text
    assert 'value="doubt"' in text and "nothing was saved yet" in text
    assert entry_count() == 0
    saved = client.post("/entries/new", data={"title": "Late", "body": body, "tags": "doubt",
                                              "csrf_token": csrf_token_from(text)})
    assert saved.status_code == 302 and entry_count() == 1


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_a_two_hour_writing_session_still_saves(client, user, login, monkeypatch):
    page = client.get("/auth/login").get_data(as_text=True)
    login(user, csrf_token=csrf_token_from(page))
    form = client.get("/entries/new").get_data(as_text=True)
    three_hours_later = int(datetime.now(UTC).timestamp()) + 3 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: three_hours_later)
    response = client.post("/entries/new", data={"body": "long evening",
                                                 "csrf_token": csrf_token_from(form)})
    assert response.status_code == 302


def test_an_expired_sign_in_carries_the_entry_through_the_login(app, client, user, login):
    login(user)
    with app.app_context():
        from journal.models import UserSession

        db.session.execute(UserSession.__table__.delete())
        db.session.commit()
    body = "Written while the session quietly expired."
    response = client.post("/entries/new", data={"title": "Kept", "body": body,
                                                 "tags": "work"})
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert body in page and 'name="carry_body"' in page
    relogin = client.post("/auth/login", data={
        "username": "ana", "password": PASSWORD, "carry_title": "Kept", "carry_body": body,
        "carry_tags": "work", "carry_version": "", "carry_action": "/entries/new"})
    assert relogin.status_code == 200
    form = relogin.get_data(as_text=True)
    assert body in form and 'value="Kept"' in form and 'action="/entries/new"' in form
    assert "signed in again" in form and 'value="work"' in form
    assert entry_count() == 0


def test_a_carried_draft_cannot_point_outside_the_entries(client, user):
    response = client.post("/auth/login", data={
        "username": "ana", "password": PASSWORD, "carry_body": "x",
        "carry_action": "//evil.example/entries/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
