"""Guards against abuse beyond bad values: a refused CSRF token answers 400 or 404 on
any URL, error handlers never raise, and guessing reset or invitation links is paused
like guessing passwords."""

import pytest
from sqlalchemy import select

import journal.entries.carry
import journal.errors
from journal.auth.services import create_user
from journal.auth.tokens import create_invite, create_password_reset
from journal.extensions import db
from journal.models import Entry, User
from tests.conftest import csrf_token_from
from tests.test_abuse import ARGUMENT, PASSWORDS, _rules, make_world


@pytest.fixture
def world(app, make_entry):
    return make_world(app, make_entry)


def _signed_in_with_tokens(app, make_entry):
    """Owner and other signed in through the real form with a CSRF token; the owner's
    entry id."""
    people = {name: create_user(name, password) for name, password in PASSWORDS.items()}
    db.session.commit()
    entry = make_entry(people["owner"], "owner's words")
    clients = {"anonymous": app.test_client()}
    for name, password in PASSWORDS.items():
        client = app.test_client()
        token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
        response = client.post("/auth/login", data={"username": name, "password": password,
                                                    "csrf_token": token})
        assert response.status_code == 302
        clients[name] = client
    return clients, entry.id


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_a_refused_token_answers_400_or_404_on_any_url(app, make_entry, config_overrides):
    """A POST without a valid token, to every rule (filled with the owner's entry, an
    impossible id or an unknown name) and to unknown URLs, as each persona: 400 or 404
    (a visitor's carried entry form goes to the sign-in page), and nothing changes."""
    clients, entry_id = _signed_in_with_tokens(app, make_entry)
    urls = ["/no/such/page", "/entries/999999/edit", f"/entries/{2**63}/edit",
            "/admin/users/1/delete", "/admin/users/999/active", "/auth/reset/guess"]
    for rule, method in _rules(app):
        if method == "POST":
            for value in (str(entry_id), str(2**63 - 1), "work"):
                urls.append(ARGUMENT.sub(value if "<id:" in rule or "<path:" in rule
                                         or "<int:" not in rule else "1", rule))
    for url in urls:
        for persona, client in clients.items():
            for token in ({}, {"csrf_token": "forged"}):
                response = client.post(url, data={"body": "changed", **token})
                expected = {400, 404} | ({401} if persona == "anonymous" else set())
                assert response.status_code in expected, (persona, url, response.status_code)
    assert db.session.get(Entry, entry_id).body == "owner's words"


def _failing_templates(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the template cannot be rendered")

    for module in (journal.errors, journal.entries.carry):
        monkeypatch.setattr(module, "render_template", broken)


def test_every_error_handler_is_guarded(app):
    handlers = [handler for scope in app.error_handler_spec.values()
                for by_kind in scope.values() for handler in by_kind.values()]
    assert len(handlers) >= 4
    assert all(getattr(handler, "never_raises", False) for handler in handlers)


def test_a_failing_error_page_falls_back_to_a_minimal_page(world, monkeypatch):
    _failing_templates(monkeypatch)
    response = world["owner"].get("/no/such/page")
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.get_data(as_text=True)
    response = world["owner"].open("/entries/", method="PUT")
    assert response.status_code == 405


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_a_refused_token_is_400_even_when_its_page_fails(app, make_entry, monkeypatch,
                                                         config_overrides):
    clients, entry_id = _signed_in_with_tokens(app, make_entry)
    _failing_templates(monkeypatch)
    for url in (f"/entries/{entry_id}/edit", "/entries/new"):  # the form comes back
        assert clients["owner"].post(url, data={"body": "changed"}).status_code == 400
    for url in ("/prompts/new", "/admin/invites"):
        response = clients["owner"].post(url, data={"body": "changed"})
        assert response.status_code == 400, url
        assert "could not be understood" in response.get_data(as_text=True)
    assert db.session.get(Entry, entry_id).body == "owner's words"


# --- guessing tokens -------------------------------------------------------------------

def _guess_until_paused(app, client, url_for_guess):
    limit = app.config["TOKEN_FAILURES_PER_ADDRESS"]
    for number in range(limit):
        assert client.get(url_for_guess(number)).status_code in (400, 404)
    return client.get(url_for_guess(limit))


def test_guessing_reset_links_is_paused_and_says_when_to_try_again(app, world):
    owner = db.session.scalar(select(User).where(User.username == "owner"))
    _, token = create_password_reset(owner)
    db.session.commit()
    client = app.test_client()
    assert client.get(f"/auth/reset/{token}").status_code == 200  # within the limit
    paused = _guess_until_paused(app, client, lambda number: f"/auth/reset/guess-{number}")
    assert paused.status_code == 429
    assert int(paused.headers["Retry-After"]) > 0
    page = paused.get_data(as_text=True)
    assert "Too many attempts with links" in page and "try again after" in page
    assert client.get(f"/auth/reset/{token}").status_code == 429  # no oracle while paused
    other_address = app.test_client()
    assert other_address.get(f"/auth/reset/{token}",
                             environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 200


def test_guessing_invitations_is_paused_separately_from_reset_links(app, world):
    owner = db.session.scalar(select(User).where(User.username == "owner"))
    _, token = create_invite(owner, None)
    db.session.commit()
    client = app.test_client()
    assert client.get(f"/auth/register?invite={token}").status_code == 200
    paused = _guess_until_paused(app, client, lambda number: f"/auth/register?invite=g{number}")
    assert paused.status_code == 429 and "Retry-After" in paused.headers
    assert client.post("/auth/register", data={"invite": token, "username": "newcomer",
                                               "password": "a long new passphrase",
                                               "confirm": "a long new passphrase"}
                       ).status_code == 429
    assert db.session.scalar(select(User).where(User.username == "newcomer")) is None
    assert client.get("/auth/reset/guess").status_code == 404  # another kind, its own count


def test_a_guessed_username_cannot_unlock_or_use_up_a_token_count(app, world):
    """Failed sign-ins and token guesses are counted apart."""
    client = app.test_client()
    for _ in range(app.config["TOKEN_FAILURES_PER_ADDRESS"]):
        client.get("/auth/reset/guess")
    response = client.post("/auth/login", data={"username": "owner",
                                                "password": PASSWORDS["owner"]})
    assert response.status_code == 302
