"""Absurd input on every route: generated requests to each rule in ``app.url_map`` (every
method it allows), signed out, as the owner of the data and as another user, with
extreme path and query values. None may answer 5xx. Each bug the generator found has
a plain regression test below it; refused tokens, failing error pages and guessed links
are in test_abuse_guards.py."""

import re
from datetime import UTC, date, datetime
from urllib.parse import quote, urlencode

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from journal.auth.services import create_user
from journal.auth.tokens import create_invite
from journal.entries.services import create_entry
from journal.extensions import db
from journal.models import Entry, Prompt, User
from journal.urls import MAX_ID

PASSWORDS = {"owner": "owner passphrase long", "other": "other passphrase long"}
PERSONAS = ("anonymous", "owner", "other")

HUGE_DIGITS = "9" * 40
IDS = ("0", "-1", "1", str(2**31 - 1), str(2**31), str(2**63 - 1), str(2**63), str(2**64),
       HUGE_DIGITS, "007", "1e3", "0x10", " 1")
NAMES = ("work", "x" * 3000, "ünïcødé/日本語", "%00", "..", "../..", "a/../b", "~", ".",
         "%2e%2e", "\u202e", "😀" * 50, "a" * 65, "work/" * 40)
DATES = ("0001-01-01", "0001-01-02", "9999-12-31", "9999-12-30", "10000-01-01",
         "1900-01-01", "2999-12-31", "2026-02-29", "2024-02-29", "garbage", "", "-1",
         "99999999999999999999-01-01", "2026-13-45", "0000-00-00", "\x00")
NUMBERS = ("0", "-1", "1", "2", str(2**31), str(2**63 - 1), str(2**63), str(2**64),
           HUGE_DIGITS, "-" + HUGE_DIGITS, "1.5", "nan", "inf", "", "abc", "1" * 5000)
CURSORS = ("0.0", "-1.-1", f"{2**63}.{2**63}", f"{HUGE_DIGITS}.1", f"1.{HUGE_DIGITS}",
           "253402300800000000.1", "-62135596800000001.1", "1.2.3", ".", "", "abc",
           "1783000000000000.1", "nan.1", "inf.1", "1e400.1", "x" * 5000)
LONG = ("x" * 10_000, "%" * 500, "\u00ff" * 2000, "<script>" * 100)
QUERY_KEYS = ("before", "after", "page", "start", "end", "q", "tag", "date", "year",
              "month", "day", "range", "invite", "next", "theme", "kind", "starred", "win",
              "prompt", "prompt_id", "entry", "fmt", "format", "id", "token", "sort",
              "another", "v", "body", "tags")
FORM_KEYS = ("title", "body", "tags", "prompt_id", "username", "password", "confirm",
             "current_password", "theme", "text", "name", "target", "kind", "win_part",
             "timezone", "days", "entry_id", "happened", "harsh", "belief_before",
             "belief_after", "invite", "active", "admin", "version", "starred", "archived",
             "next", "is_win", "remember", "check_on", "q")

EXTREME = st.sampled_from(IDS + NAMES + DATES + NUMBERS + CURSORS + LONG) | st.text(
    max_size=40)
# Each key mostly gets values of its own kind, so the generator reaches deep code paths.
BY_KIND = {
    "id": st.sampled_from(IDS + NUMBERS), "date": st.sampled_from(DATES),
    "cursor": st.sampled_from(CURSORS), "number": st.sampled_from(NUMBERS),
}
KEY_KIND = {"before": "cursor", "after": "cursor", "page": "number", "start": "date",
            "end": "date", "date": "date", "year": "number", "month": "number",
            "day": "number", "another": "number", "prompt": "id", "prompt_id": "id",
            "entry": "id", "entry_id": "id", "id": "id", "version": "id", "days": "number",
            "belief_before": "number", "belief_after": "number", "check_on": "date"}


def value_for(key: str):
    kind = KEY_KIND.get(key)
    return BY_KIND[kind] | EXTREME if kind else EXTREME
PATH_VALUE = {
    "id": st.sampled_from(IDS),
    "int": st.sampled_from(NUMBERS[:9] + ("12", "31", "1899", "3000", "9999", "10000")),
    "default": st.sampled_from(NAMES + IDS) | st.text(min_size=1, max_size=30),
}
ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _rules(app):
    return sorted({(rule.rule, method) for rule in app.url_map.iter_rules()
                   for method in rule.methods - {"HEAD", "OPTIONS"}})


@pytest.fixture
def config_overrides() -> dict:
    """Generated requests guess passwords by the hundred; sign-in throttling must not
    stop the personas from signing in again (it has tests of its own)."""
    return {"LOGIN_FAILURES_PER_ACCOUNT": 10**6, "LOGIN_FAILURES_PER_ADDRESS": 10**6}


@pytest.fixture
def world(app, make_entry):
    return make_world(app, make_entry)


def make_world(app, make_entry) -> dict:
    """One owner (the administrator) with an entry, an own prompt and a tag; another
    user; a bystander; an invitation; a signed-in client for each persona, by name."""
    people = {name: create_user(name, password) for name, password in PASSWORDS.items()}
    create_user("bystander", "bystander passphrase")  # whom the admin pages act on
    db.session.commit()
    make_entry(people["owner"], "owner's words #work", tags="work")
    db.session.add(Prompt(owner_id=people["owner"].id, theme="value", text="Mine?"))
    create_invite(people["owner"], None)
    db.session.commit()
    clients = {"anonymous": app.test_client()}
    for name in PASSWORDS:
        clients[name] = _signed_in(app, name)
    return clients


def _signed_in(app, persona: str):
    """A client signed in as ``persona`` (the owner is the administrator)."""
    client = app.test_client()
    if persona != "anonymous":
        response = client.post("/auth/login", data={"username": persona,
                                                    "password": PASSWORDS[persona]})
        assert response.status_code == 302
    return client


def _client(app, world, persona: str, rule: str):
    """The persona's client; signing out gets a client of its own, so the persona's
    session outlives it."""
    return _signed_in(app, persona) if rule == "/auth/logout" else world[persona]


def _still_signed_in(world) -> None:
    """No generated request ended a persona's session (so every example counted)."""
    for persona in PASSWORDS:
        assert world[persona].get("/entries/").status_code == 200, persona


@st.composite
def requests(draw, rules):
    rule, method = draw(st.sampled_from(rules))

    def fill(match: re.Match) -> str:
        converter = match[1] or "default"
        value = draw(PATH_VALUE.get(converter, PATH_VALUE["default"]))
        return quote(value, safe="/%" if converter == "path" else "%")

    path = ARGUMENT.sub(fill, rule)
    query = {key: draw(value_for(key))
             for key in draw(st.sets(st.sampled_from(QUERY_KEYS), max_size=4))}
    form = {key: draw(value_for(key))
            for key in draw(st.sets(st.sampled_from(FORM_KEYS), max_size=8))} \
        if method != "GET" else {}
    return rule, method, path + ("?" + urlencode(query) if query else ""), form


def _ask(client, url: str, method: str, form: dict):
    """The response to one request, read to its end (a streamed download included)."""
    response = client.open(url, method=method, data=form)
    response.get_data()
    response.close()
    return response


def _no_server_error(response, method, url, persona):
    assert response.status_code < 500, (persona, method, url[:300], response.status_code)


@settings(max_examples=400, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(data=st.data())
def test_no_route_answers_5xx_to_extreme_values(app, world, data):
    rule, method, url, form = data.draw(requests(_rules(app)))
    persona = data.draw(st.sampled_from(PERSONAS))
    response = _ask(_client(app, world, persona, rule), url, method, form)
    _no_server_error(response, method, url, persona)
    if persona != "anonymous":  # an example that lost the session would test nothing
        assert "/auth/login?next=" not in response.headers.get("Location", ""), url[:300]


def _real_path_values(app) -> dict[str, str]:
    """Path values that reach the owner's own data, so the views get past loading."""
    owner = db.session.scalar(select(User).where(User.username == "owner"))
    today = date.today()
    return {
        "entry_id": str(db.session.scalar(select(Entry.id).where(Entry.owner_id == owner.id))),
        "prompt_id": str(db.session.scalar(select(Prompt.id).where(Prompt.owner_id == owner.id))),
        "user_id": str(db.session.scalar(select(User.id).where(User.username == "bystander"))),
        "invite_id": "1", "name": "work", "token": "guess",
        "year": str(today.year), "month": str(today.month), "day": str(today.day),
        "fmt": "json", "filename": "css/app.css", "digest": "0123456789abcdef",
    }


ID_VALUES = ("0", "-1", str(2**31 - 1), str(2**31), str(2**63 - 1), str(2**63), HUGE_DIGITS,
             "-" + HUGE_DIGITS, "1.5", "abc", "", "1" * 5000, "007", " 1", "0x10", "nan", "1")


def _profile(number: int, key: str) -> str:
    """The ``number``-th value of the kind ``key`` takes, cycling through its list."""
    values = {"id": ID_VALUES, "date": DATES, "cursor": CURSORS,
              "number": NUMBERS}.get(KEY_KIND.get(key, ""), NAMES + LONG)
    return values[number % len(values)]


PROFILES = range(max(len(ID_VALUES), len(CURSORS), len(DATES), len(NUMBERS)))


def test_every_route_takes_every_extreme_value_at_once(app, world):
    """Each rule with the owner's real path values, every method, as the owner (who is
    the administrator), with every query key and form field at once set to the n-th
    extreme value of its kind: no 5xx. (Other people get the generated requests.)"""
    real = _real_path_values(app)
    for rule, method in _rules(app):
        url = ARGUMENT.sub(lambda match: quote(real.get(match[2], "x"), safe="/"), rule)
        for number in PROFILES:
            query = urlencode({key: _profile(number, key) for key in QUERY_KEYS})
            form = {key: _profile(number, key) for key in FORM_KEYS} if method != "GET" else {}
            response = _ask(_client(app, world, "owner", rule), f"{url}?{query}", method, form)
            _no_server_error(response, method, f"{url}?{query}", "owner")
    _still_signed_in(world)


EXTREME_IDS = ("0", "-1", str(MAX_ID), str(MAX_ID + 1), str(2**63 - 1), str(2**63),
               str(2**64), HUGE_DIGITS)


@pytest.mark.parametrize("ident", EXTREME_IDS)
def test_every_id_route_answers_404_to_an_impossible_id(app, world, ident):
    """Each route with an id in its path, every method, every persona: 404 (or the
    sign-in page for a visitor), never 5xx."""
    for rule, method in _rules(app):
        if "<id:" not in rule:
            continue
        url = ARGUMENT.sub(ident, rule)
        for persona in PERSONAS:
            response = _ask(world[persona], url, method, {})
            _no_server_error(response, method, url, persona)
            if persona != "anonymous" or not 1 <= int(ident) <= MAX_ID:
                assert response.status_code == 404, (persona, method, url)


def test_an_id_no_id_column_holds_is_not_found(app, world):
    """Ids are 32-bit columns on PostgreSQL: 2**31 and beyond never reach a query."""
    owner = world["owner"]
    for url in (f"/entries/{2**63}", f"/entries/{2**63}/edit", f"/prompts/{2**31}/edit",
                f"/entries/{2**31}", "/entries/0"):
        assert owner.get(url).status_code == 404, url
    assert owner.post(f"/entries/{2**64}/delete").status_code == 404
    assert owner.get(f"/entries/{MAX_ID}").status_code == 404  # a query, and no such row
    assert owner.get(f"/admin/users/{MAX_ID}/delete").status_code == 404
    assert owner.post(f"/admin/invites/{2**63 - 1}/revoke").status_code == 404


def test_the_id_converter_builds_links_and_reads_the_largest_id(app):
    with app.test_request_context():
        assert url_for("entries.detail", entry_id=MAX_ID) == f"/entries/{MAX_ID}"
    adapter = app.url_map.bind("localhost")
    assert adapter.match(f"/entries/{MAX_ID}") == ("entries.detail", {"entry_id": MAX_ID})


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "10000-01-01"])
def test_search_date_filters_at_the_ends_of_the_calendar(world, value):
    owner = world["owner"]
    for query in (f"start={value}", f"end={value}", f"start={value}&end={value}",
                  f"q=words&end={value}"):
        response = owner.get(f"/search?{query}")
        assert response.status_code in (200, 400), (query, response.status_code)


def test_today_is_found_with_an_end_filter_of_9999(world):
    response = world["owner"].get("/search?q=words&end=9999-12-31")
    assert response.status_code == 200
    assert "owner&#39;s words" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "10000-01-01"])
def test_wins_filters_at_the_ends_of_the_calendar(world, value):
    owner = world["owner"]
    for url in (f"/wins/?start={value}", f"/wins/?end={value}",
                f"/wins/brag.md?start={value}", f"/wins/brag.md?end={value}",
                f"/wins/brag.md?start={value}&end={value}"):
        response = owner.get(url)
        assert response.status_code in (200, 400), (url, response.status_code)
        response.get_data()  # a streamed document must finish, too


@pytest.mark.parametrize("cursor", ["253402300800000000.1", "-62135596800000001.1",
                                    f"1.{2**63}", f"1.{2**31}", f"{HUGE_DIGITS}.1", "0.0"])
def test_page_cursors_out_of_range(world, cursor):
    owner = world["owner"]
    today = date.today()
    for path in ("/entries/", "/wins/", f"/entries/day/{today.year}/{today.month}/{today.day}/",
                 "/tags/work"):
        for key in ("before", "after"):
            response = owner.get(f"{path}?{key}={cursor}")
            assert response.status_code in (200, 400), (path, key, response.status_code)



def test_an_entry_posted_with_an_impossible_prompt_id_is_saved_without_a_prompt(world):
    owner = world["owner"]
    for prompt_id in (str(2**63), HUGE_DIGITS, "0", "-1"):
        response = owner.post("/entries/new", data={"body": f"answer {prompt_id}",
                                                    "prompt_id": prompt_id})
        assert response.status_code == 302, prompt_id
        entry = next(entry for entry in db.session.scalars(select(Entry))
                     if entry.body == f"answer {prompt_id}")
        assert entry is not None and entry.prompt_id is None


def test_a_prompt_link_with_an_id_no_column_holds_is_not_found(world):
    for prompt_id in (str(MAX_ID + 1), str(2**63), HUGE_DIGITS, "0", "-1", "١٢"):
        assert world["owner"].get(f"/entries/new?prompt={prompt_id}").status_code == 404


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_entries_at_the_ends_of_the_calendar_show_everywhere(app, world, zone):
    """Entries written (imported) at the first and last moments a date can hold, for an
    owner far east and far west of UTC: every page that lists, counts or charts them
    answers."""
    owner = db.session.scalar(select(User).where(User.username == "owner"))
    owner.timezone = zone
    first = world_entry(owner, datetime(1, 1, 1, 0, 0, tzinfo=UTC), "the first moment")
    last = world_entry(owner, datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "the last moment")
    client = world["owner"]
    urls = ["/", "/entries/", "/tags/work", "/search?q=moment", "/search?q=moment&start=0001-01-01",
            "/search?q=before:0001-01-02 after:9999-12-30", "/wins/", "/wins/brag.md",
            "/entries/calendar/", "/entries/on-this-day/?date=01-01",
            "/entries/on-this-day/?date=12-31", "/prompts/today", "/account/export/json",
            "/account/export/markdown", f"/entries/{first}", f"/entries/{last}",
            f"/entries/{first}/edit", f"/entries/{last}/edit"]
    urls += [f"/insights/?range={key}" for key in ("30", "90", "365", "all")]
    for url in urls:
        response = _ask(client, url, "GET", {})
        assert response.status_code < 500, (url, response.status_code)
    for entry_id in (first, last):
        response = client.post(f"/entries/{entry_id}/win", data={"win_part": "mine"})
        assert response.status_code < 500
    for url in ("/wins/", "/wins/brag.md", "/insights/?range=all", "/entries/?before=x"):
        assert _ask(client, url, "GET", {}).status_code < 500, url


def world_entry(owner, moment, body: str) -> int:
    entry = create_entry(owner, title=None, body=body, tags=[("work", "work")],
                         created_at=moment)
    db.session.commit()
    return entry.id
