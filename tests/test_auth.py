"""Accounts: registration, sign-in, sign-out, password change, sessions, throttling."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from journal import create_app
from journal.auth import passwords
from journal.extensions import db
from journal.models import LoginFailure, User, UserSession
from journal.timezones import zone_label
from tests.conftest import OTHER_PASSWORD, PASSWORD, csrf_token_from, make_config


def register(client, username, password=PASSWORD, confirm=None):
    return client.post("/auth/register", data={
        "username": username, "password": password,
        "confirm": password if confirm is None else confirm})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- registration ---------------------------------------------------------------------

def test_first_account_becomes_administrator_and_later_ones_do_not(app):
    first = app.test_client()
    assert register(first, "Ana").status_code == 302
    second = app.test_client()
    assert register(second, "Bo").status_code == 302
    admins = {u.username: u.is_admin for u in db.session.scalars(select(User))}
    assert admins == {"ana": True, "bo": False}


def test_registering_signs_in_shows_the_recovery_key_and_then_the_write_box(client):
    response = register(client, "Ana")
    assert response.headers["Location"] == "/account/recovery-key"
    page = client.get("/account/recovery-key").get_data(as_text=True)
    assert 'id="recovery-key"' in page and "administrator" in page
    start = client.get("/").get_data(as_text=True)
    assert "What happened today?" in start
    assert "Your recovery key is not saved yet." in start


def test_registering_keeps_the_time_zone_the_browser_reported(client):
    response = client.post("/auth/register", data={
        "username": "ana", "password": PASSWORD, "confirm": PASSWORD,
        "timezone": "Asia/Tokyo"})
    assert response.status_code == 302
    assert db.session.scalar(select(User.timezone)) == "Asia/Tokyo"
    settings = client.get("/account/").get_data(as_text=True)
    assert "Times are shown in <strong>Asia/Tokyo (UTC+09:00)</strong>." in settings


@pytest.mark.parametrize("config_overrides", [{"DEFAULT_TIMEZONE": "Asia/Kolkata"}])
@pytest.mark.parametrize("reported", [None, "", "Mars/Olympus_Mons", "EST5EDT", "x" * 500,
                                      "../../etc/passwd"])
def test_a_missing_or_unknown_browser_zone_falls_back_to_the_default(client, reported):
    data = {"username": "ana", "password": PASSWORD, "confirm": PASSWORD}
    if reported is not None:
        data["timezone"] = reported
    response = client.post("/auth/register", data=data)
    assert response.status_code == 302
    assert db.session.scalar(select(User.timezone)) is None  # follows the server's zone
    settings = client.get("/account/").get_data(as_text=True)
    assert "Times are shown in <strong>Asia/Kolkata (UTC+05:30)</strong>." in settings


def test_the_zone_in_use_is_named_with_its_offset_at_that_moment():
    berlin = SimpleNamespace(timezone="Europe/Berlin")
    assert zone_label(berlin, datetime(2026, 1, 15, tzinfo=UTC)) == "Europe/Berlin (UTC+01:00)"
    assert zone_label(berlin, datetime(2026, 7, 15, tzinfo=UTC)) == "Europe/Berlin (UTC+02:00)"
    new_york = SimpleNamespace(timezone="America/New_York")
    assert zone_label(new_york, datetime(2026, 1, 15, tzinfo=UTC)) == \
        "America/New York (UTC-05:00)"
    assert zone_label(SimpleNamespace(timezone="UTC")) == "UTC"


def test_the_registration_form_asks_the_page_script_for_the_zone(client):
    page = client.get("/auth/register").get_data(as_text=True)
    assert 'name="timezone"' in page and "data-detect-timezone" in page


def test_usernames_are_canonical_so_lookalikes_are_taken(client, user):
    for lookalike in ("ANA", " ana ", "Ａｎａ"):  # case, spaces, full-width letters
        response = register(client, lookalike)
        assert response.status_code == 200
        assert "That username is taken" in response.get_data(as_text=True)
    assert count(User) == 1


def test_password_rules_are_length_and_not_being_common(client):
    short = register(client, "ana", "short pass")
    assert "at least 12 characters" in short.get_data(as_text=True)
    common = register(client, "ana", "password1234")
    text = common.get_data(as_text=True)
    assert "among the first that attackers try" in text
    too_long = register(client, "ana", "x" * 129)
    assert "at most 128 characters" in too_long.get_data(as_text=True)
    mismatch = register(client, "ana", PASSWORD, confirm="something else entirely")
    assert "The two passwords differ" in mismatch.get_data(as_text=True)
    assert count(User) == 0


def test_a_long_passphrase_without_symbols_or_digits_is_accepted(client):
    assert register(client, "ana", "quiet river under old bridges").status_code == 302


@pytest.mark.parametrize("length", [72, 73, 100, 128])
def test_passwords_up_to_128_characters_are_accepted(client, length):
    password = ("seven quiet rivers under old stone bridges " * 4)[:length]
    assert register(client, "ana", password).status_code == 302


def test_errors_are_linked_to_their_fields(client):
    page = register(client, "a b", "short").get_data(as_text=True)
    assert 'aria-describedby="username-hint username-error"' in page
    assert 'id="username-error"' in page and 'aria-invalid="true"' in page


@pytest.mark.parametrize("config_overrides", [{"REGISTRATION": "closed"}])
def test_closed_registration_still_lets_the_first_visitor_set_up(client, app):
    assert client.get("/auth/register").status_code == 200
    assert register(client, "ana").status_code == 302
    stranger = app.test_client()
    response = stranger.get("/auth/register")
    assert response.status_code == 403
    assert "Registration is closed" in response.get_data(as_text=True)
    assert register(stranger, "eve").status_code == 403
    assert count(User) == 1


# --- signing in -------------------------------------------------------------------------

def test_wrong_password_and_unknown_user_get_the_same_answer(client, user, login):
    wrong = login("ana", "not the right password").get_data(as_text=True)
    unknown = login("nobody", "not the right password").get_data(as_text=True)
    message = "That username and password do not match an account."
    assert message in wrong and message in unknown
    assert wrong.replace("ana", "nobody") == unknown.replace("ana", "nobody").replace(
        'value="nobody"', 'value="nobody"')


def test_unknown_user_costs_a_hash_computation_too(client, user, login, monkeypatch):
    calls = []
    original = PasswordHasher.verify

    def counting_verify(self, hash_, password):
        calls.append(hash_)
        return original(self, hash_, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    login("nobody", "not the right password")
    login("ana", "not the right password")
    assert len(calls) == 2


def test_sign_in_starts_a_fresh_session(client, user, login):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(user)
    with client.session_transaction() as session:
        assert "planted" not in session


@pytest.mark.parametrize("target", ["/entries/", "/tags/work?x=1"])
def test_next_goes_to_a_same_site_path(client, user, target):
    response = client.post("/auth/login", data={
        "username": "ana", "password": PASSWORD, "next": target})
    assert response.headers["Location"] == target


@pytest.mark.parametrize("target", [
    "//evil.example", "/\\evil.example", "https:evil.example", "javascript:alert(1)",
    "https://evil.example/", "evil.example", "\t//evil.example", "/\t/evil.example",
])
def test_next_refuses_anything_that_leaves_the_site(client, user, target):
    page = client.get("/auth/login", query_string={"next": target}).get_data(as_text=True)
    assert "evil" not in page
    response = client.post("/auth/login", data={
        "username": "ana", "password": PASSWORD, "next": target})
    assert response.headers["Location"] == "/"


def test_login_page_carries_a_safe_next(client, user):
    page = client.get("/entries/").headers["Location"]
    assert page.startswith("/auth/login?next=")
    html = client.get(page).get_data(as_text=True)
    assert 'value="/entries/"' in html


def test_disabled_account_cannot_sign_in(client, user, login):
    user.active = False
    db.session.commit()
    response = login(user)
    assert "do not match an account" in response.get_data(as_text=True)


def test_hash_is_upgraded_at_sign_in_when_parameters_change(app, client, user, login):
    old_hash = user.password_hash
    app.config["PASSWORD_HASH_TIME_COST"] = 2
    assert login(user).status_code == 302
    db.session.refresh(user)
    assert user.password_hash != old_hash
    assert "t=2" in user.password_hash
    assert passwords.verify_password(user.password_hash, PASSWORD)


def test_production_hash_parameters_meet_owasp(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "k" * 40,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    with app.app_context():
        hashed = passwords.hash_password("a long enough password")
    assert hashed.startswith("$argon2id$")
    assert app.config["PASSWORD_HASH_MEMORY_COST"] >= 19 * 1024
    assert app.config["PASSWORD_HASH_TIME_COST"] >= 2


# --- cookies ----------------------------------------------------------------------------

def test_cookies_are_httponly_lax_and_remember_lasts_at_most_30_days(client, user, login):
    response = login(user, remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember_cookie = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session_cookie, remember_cookie):
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Secure" not in cookie
    stored = db.session.scalar(select(UserSession))
    assert stored.expires_at - stored.created_at <= timedelta(days=30, seconds=1)


@pytest.mark.parametrize("config_overrides", [{"SECURE_COOKIES": True}])
def test_secure_cookies_when_configured(app, user):
    client = app.test_client()
    response = client.post("/auth/login", data={"username": "ana", "password": PASSWORD,
                                                "remember": "y"},
                           base_url="https://localhost")
    for cookie in response.headers.getlist("Set-Cookie"):
        assert "Secure" in cookie


# --- signing out and ending sessions ----------------------------------------------------

def _cookie(client, name):
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def test_logout_is_post_only(client, logged_in):
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/entries/").status_code == 200


def test_replayed_session_cookie_after_logout_gets_the_login_page(app, client, logged_in):
    stolen = _cookie(client, "session")
    assert client.post("/auth/logout").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/entries/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_replayed_remember_cookie_after_logout_gets_the_login_page(app, client, user, login):
    login(user, remember="y")
    remembered = _cookie(client, "remember_token")
    assert remembered
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remembered)
    assert fresh.get("/entries/").status_code == 200  # the cookie works while signed in
    client.post("/auth/logout")
    assert client.get_cookie("remember_token") is None  # the browser is told to drop it
    replay = app.test_client()
    replay.set_cookie("remember_token", remembered)
    response = replay.get("/entries/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_changing_password_ends_every_other_session(app, client, user, login):
    login(user)
    elsewhere = app.test_client()
    elsewhere.post("/auth/login", data={"username": "ana", "password": PASSWORD,
                                        "remember": "y"})
    assert elsewhere.get("/entries/").status_code == 200
    new_password = "another quite long passphrase"
    response = client.post("/auth/password", data={
        "current_password": PASSWORD, "password": new_password, "confirm": new_password})
    assert response.status_code == 302
    assert client.get("/entries/").status_code == 200  # this browser stays signed in
    assert elsewhere.get("/entries/").status_code == 302  # the other one is signed out
    assert count(UserSession) == 1
    assert login("ana", new_password).status_code == 302


def test_changing_password_needs_the_current_one(client, logged_in):
    response = client.post("/auth/password", data={
        "current_password": "not my password at all", "password": "brand new passphrase",
        "confirm": "brand new passphrase"})
    assert "not your current password" in response.get_data(as_text=True)


def test_guessing_the_current_password_is_throttled_too(client, logged_in):
    for _ in range(5):
        response = client.post("/auth/password", data={
            "current_password": "a wrong guess here", "password": "brand new passphrase",
            "confirm": "brand new passphrase"})
        assert response.status_code == 200
    response = client.post("/auth/password", data={
        "current_password": PASSWORD, "password": "brand new passphrase",
        "confirm": "brand new passphrase"})
    assert response.status_code == 429
    db.session.refresh(logged_in)
    assert passwords.verify_password(logged_in.password_hash, PASSWORD)


def test_sessions_expire_on_the_server(app, client, logged_in):
    from journal.models import utcnow

    stored = db.session.scalar(select(UserSession))
    stored.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/entries/").status_code == 302


# --- throttling -------------------------------------------------------------------------

def fail(client, username="ana", address="10.0.0.1"):
    return client.post("/auth/login", data={"username": username, "password": "wrong one!"},
                       environ_base={"REMOTE_ADDR": address})


def test_five_failures_for_an_account_pause_it(client, user):
    for _ in range(5):
        assert fail(client).status_code == 200
    blocked = client.post("/auth/login", data={"username": "ana", "password": PASSWORD},
                          environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert blocked.status_code == 429
    text = blocked.get_data(as_text=True)
    assert "Too many sign-in attempts" in text and "try again after" in text
    assert int(blocked.headers["Retry-After"]) > 0


def test_twenty_failures_from_one_address_pause_that_address(client, user, other_user):
    for attempt in range(20):
        assert fail(client, f"someone{attempt % 4}").status_code == 200
    assert fail(client, "bo").status_code == 429
    elsewhere = client.post("/auth/login", data={"username": "bo", "password": OTHER_PASSWORD},
                            environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert elsewhere.status_code == 302


def test_failures_older_than_the_window_do_not_count(client, user):
    from journal.models import utcnow

    for _ in range(5):
        fail(client)
    for row in db.session.scalars(select(LoginFailure)):
        row.created_at = utcnow() - timedelta(minutes=16)
    db.session.commit()
    assert fail(client).status_code == 200


def test_the_limit_holds_across_worker_processes(database, user):
    """Two app instances on one database stand in for two gunicorn workers."""
    worker_a = create_app(make_config(database)).test_client()
    worker_b = create_app(make_config(database)).test_client()
    for worker in (worker_a, worker_b, worker_a, worker_b, worker_a):
        assert fail(worker).status_code == 200
    assert fail(worker_b).status_code == 429
    assert fail(worker_a).status_code == 429


# --- CSRF ---------------------------------------------------------------------------------

@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_forms_without_a_csrf_token_are_refused(client, user):
    response = client.post("/auth/login", data={"username": "ana", "password": PASSWORD})
    assert response.status_code == 400
    assert count(UserSession) == 0
    response = register(client, "eve")
    assert response.status_code == 400
    assert count(User) == 1
    page = client.get("/auth/login").get_data(as_text=True)
    token = csrf_token_from(page)
    signed_in = client.post("/auth/login", data={"username": "ana", "password": PASSWORD,
                                                 "csrf_token": token})
    assert signed_in.status_code == 302
