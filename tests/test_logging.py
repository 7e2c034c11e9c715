"""The log: one line per request with a request id and the user's id, security events for
failed and throttled sign-ins, refused forms and probes for other users' ids, and never a
password, a cookie, a form, entry text or search words. Nothing a visitor types can start
a line of its own.

These tests read the log through pytest's ``caplog``: run them without ``-p no:logging``."""

import inspect
import logging
import re

import pytest

from journal.auth import views as auth_views
from journal.extensions import db
from journal.models import Prompt
from journal.requestlog import _configure_logging, _handler, escape, security_event
from tests.conftest import PASSWORD, csrf_token_from

REQUEST_LINE = re.compile(
    r"^(?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}) \d+\.\dms "
    r"request_id=(?P<request_id>[A-Za-z0-9._-]{1,64}) user=(?P<user>\d+|-) addr=(?P<addr>\S+)$"
)
GENERATED_ID = re.compile(r"[0-9a-f]{16}")


@pytest.fixture(autouse=True)
def log(request):
    if not request.config.pluginmanager.has_plugin("logging"):
        pytest.skip("reads the log through caplog: run without -p no:logging")
    caplog = request.getfixturevalue("caplog")
    caplog.set_level(logging.INFO, logger="journal")
    return caplog


def request_lines(caplog) -> list[re.Match]:
    lines = [record.getMessage() for record in caplog.records
             if record.name == "journal.request"]
    matches = [REQUEST_LINE.match(line) for line in lines]
    assert all(matches), lines
    return matches


def events(caplog, kind: str) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.name == "journal.security" and record.security_event == kind]


def everything_logged(caplog) -> str:
    return caplog.text + "\n".join(record.getMessage() for record in caplog.records)


# --- one line per request -------------------------------------------------------------------

def test_each_request_is_one_line_with_its_id_and_the_users(client, logged_in, log):
    log.clear()
    response = client.get("/entries/")

    [line] = request_lines(log)
    assert line["method"] == "GET" and line["path"] == "/entries/" and line["status"] == "200"
    assert line["user"] == str(logged_in.id)
    assert line["addr"] == "127.0.0.1"
    assert GENERATED_ID.fullmatch(line["request_id"])
    assert response.headers["X-Request-ID"] == line["request_id"]
    assert all(record.levelno == logging.INFO for record in log.records)


def test_a_visitor_is_logged_as_a_dash(client, log):
    client.get("/auth/login")

    [line] = request_lines(log)
    assert line["user"] == "-" and line["path"] == "/auth/login"


def test_every_request_gets_its_own_id(client, log):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]

    assert first != second
    assert [line["request_id"] for line in request_lines(log)] == [first, second]


def test_a_request_id_from_the_proxy_is_kept_and_sent_back(client, log):
    response = client.get("/healthz", headers={"X-Request-ID": "nginx-7f3a.9_B"})

    assert response.headers["X-Request-ID"] == "nginx-7f3a.9_B"
    assert request_lines(log)[0]["request_id"] == "nginx-7f3a.9_B"


@pytest.mark.parametrize("incoming", [
    "has space", "x" * 65, "semi;colon", "", "ünïcode", "a=b", "<script>"])
def test_a_request_id_that_does_not_look_like_one_is_replaced(client, log, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming})

    assert GENERATED_ID.fullmatch(response.headers["X-Request-ID"])
    assert request_lines(log)[0]["request_id"] == response.headers["X-Request-ID"]
    if incoming:
        assert incoming not in everything_logged(log)


def test_refused_and_failed_requests_are_logged_too(client, logged_in, log):
    log.clear()
    client.get("/no-such-page")
    client.post("/entries/new", data=b"body=%FF%FE",
                content_type="application/x-www-form-urlencoded")

    assert [(line["path"], line["status"]) for line in request_lines(log)] == [
        ("/no-such-page", "404"), ("/entries/new", "400")]


# --- what is never logged -------------------------------------------------------------------

def test_no_password_cookie_form_entry_text_or_search_words_reach_the_log(
        client, user, login, log):
    login(user, "a wrong password guess")
    login(user, PASSWORD, remember="y")
    cookies = [client.get_cookie(name).value for name in ("session", "remember_token")]
    client.post("/entries/new", data={"title": "Quiet title", "body": "Private words here",
                                      "tags": "secret-tag"})
    client.get("/search?q=hiddensearchword&tag=secret-tag")
    client.get("/entries/?q=alsohidden")

    logged = everything_logged(log)
    for secret in ["a wrong password guess", PASSWORD, "Quiet title", "Private words here",
                   "secret-tag", "hiddensearchword", "alsohidden", "?", *cookies]:
        assert secret not in logged, secret
    paths = [line["path"] for line in request_lines(log)]
    assert "/search" in paths and "/entries/" in paths


# --- security events ------------------------------------------------------------------------

@pytest.mark.xfail("security_event" not in inspect.getsource(auth_views),
                   reason="journal/auth/views.py still logs failed sign-ins with "
                          "current_app.logger; it should call security_event")
def test_a_failed_sign_in_is_a_security_event(client, user, login, log):
    login(user, "a wrong password guess")

    [event] = events(log, "failed_login")
    assert "username=ana" in event and "addr=127.0.0.1" in event
    assert "a wrong password guess" not in everything_logged(log)


def test_a_paused_sign_in_is_a_security_event(client, user, login, log):
    for _ in range(5):
        login(user, "a wrong password guess")
    assert login(user, PASSWORD).status_code == 429

    [event] = events(log, "throttled")
    assert "endpoint=auth.login" in event and "username=ana" in event
    assert "addr=127.0.0.1" in event and "user=-" in event
    assert PASSWORD not in everything_logged(log)


def test_a_paused_password_change_is_a_security_event(client, logged_in, log):
    form = {"current_password": "a wrong guess here", "password": "brand new passphrase",
            "confirm": "brand new passphrase"}
    for _ in range(5):
        client.post("/auth/password", data=form)
    assert client.post("/auth/password", data=form).status_code == 429

    [event] = events(log, "throttled")
    assert "endpoint=auth.password" in event and f"user={logged_in.id}" in event
    assert "brand new passphrase" not in everything_logged(log)


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_a_form_without_a_valid_token_is_a_security_event(client, user, log):
    client.get("/auth/login")
    log.clear()
    response = client.post("/auth/login", data={"username": "ana", "password": PASSWORD,
                                                "csrf_token": "forged"})
    assert response.status_code == 400

    [event] = events(log, "csrf_failure")
    assert "endpoint=auth.login" in event and 'reason="The CSRF token is invalid."' in event
    assert [line["status"] for line in request_lines(log)] == ["400"]
    assert PASSWORD not in everything_logged(log)


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_a_form_with_its_token_is_no_event(client, user, log):
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    client.post("/auth/login", data={"username": "ana", "password": PASSWORD,
                                     "csrf_token": token})

    assert events(log, "csrf_failure") == []


def test_asking_for_another_users_entry_is_a_security_event(
        client, logged_in, other_user, make_entry, log):
    theirs = make_entry(other_user, "Bo's private words")
    mine = make_entry(logged_in, "My own words")
    log.clear()

    assert client.get(f"/entries/{theirs.id}").status_code == 404
    assert client.post(f"/entries/{theirs.id}/delete").status_code == 404
    assert client.get(f"/entries/{mine.id}").status_code == 200
    assert client.get("/entries/999999").status_code == 404

    found = events(log, "foreign_id")
    assert len(found) == 2
    assert f"endpoint=entries.detail entry_id={theirs.id} " in found[0]
    assert f"endpoint=entries.delete entry_id={theirs.id} " in found[1]
    assert all(f"user={logged_in.id}" in event for event in found)
    assert "private words" not in everything_logged(log)


def test_asking_for_another_users_prompt_is_a_security_event(client, logged_in, other_user,
                                                              log):
    theirs = Prompt(owner_id=other_user.id, theme="value", text="Bo's own prompt")
    builtin = db.session.scalars(db.select(Prompt).where(Prompt.owner_id.is_(None))).first()
    db.session.add(theirs)
    db.session.commit()
    log.clear()

    assert client.post(f"/prompts/{theirs.id}/archive").status_code == 404
    assert client.get(f"/prompts/{builtin.id}/edit").status_code == 404

    [event] = events(log, "foreign_id")
    assert f"endpoint=prompts.archive prompt_id={theirs.id} " in event
    assert "Bo's own prompt" not in everything_logged(log)


# --- nothing typed can forge a line ---------------------------------------------------------

def test_a_username_with_a_newline_is_escaped(client, user, log):
    forged = "ana\n2026-01-01 00:00:00,000 WARNING journal.security all clear"
    for _ in range(6):
        client.post("/auth/login", data={"username": forged, "password": "wrong guess!"})

    [event] = events(log, "throttled")
    assert r'username="ana\x0a2026-01-01 00:00:00,000 WARNING journal.security all clear"' \
        in event
    for record in log.records:
        assert "\n" not in record.getMessage()


def test_a_path_with_control_characters_is_escaped(client, log):
    client.get("/entries/%0D%0AGET%20/admin/%20200%1B[31m")

    [line] = [record.getMessage() for record in log.records if record.name == "journal.request"]
    assert line.startswith(r'GET "/entries/\x0d\x0aGET /admin/ 200\x1b[31m" 404 ')


def test_escaping_leaves_one_unambiguous_line():
    assert escape("a\r\nb\tc\x00d\x7fe\x85f\u2028g") == (
        r"a\x0d\x0ab\x09c\x00d\x7fe\x85f\u2028g")
    assert escape(r"already \x0a escaped") == r"already \\x0a escaped"
    assert escape("naïve café 🙂") == "naïve café 🙂"


def test_a_security_event_outside_a_request_has_no_request_fields(log):
    security_event("backup_restored", path="/tmp/x y", note='say "hi"')

    [record] = log.records
    assert record.levelno == logging.WARNING and record.name == "journal.security"
    assert record.getMessage() == r'backup_restored path="/tmp/x y" note="say \"hi\""'


# --- where the lines go ---------------------------------------------------------------------

def test_lines_go_to_standard_error_once_when_nobody_else_set_up_logging(monkeypatch):
    logger = logging.getLogger("journal")
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "level", logging.NOTSET)

    _configure_logging()
    _configure_logging()

    assert logger.handlers == [_handler]
    assert logger.level == logging.INFO


def test_no_second_handler_where_the_host_set_up_logging(monkeypatch):
    logger = logging.getLogger("journal")
    monkeypatch.setattr(logging.getLogger(), "handlers", [logging.NullHandler()])
    monkeypatch.setattr(logger, "handlers", [])

    _configure_logging()

    assert logger.handlers == []


def test_the_route_is_logged_never_a_tag_name_or_a_link_token(client, logged_in, log,
                                                                make_entry):
    entry = make_entry(logged_in, "Private #secret-project/phase-two")
    client.get("/tags/secret-project/phase-two")
    client.get(f"/entries/{entry.id}")
    client.get("/auth/reset/a-secret-reset-token-value")

    paths = [line["path"] for line in request_lines(log)]
    assert "/tags/<name>" in paths and f"/entries/{entry.id}" in paths
    assert "/auth/reset/<token>" in paths
    logged = everything_logged(log)
    assert "secret-project" not in logged and "a-secret-reset-token-value" not in logged
