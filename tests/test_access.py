"""The access matrix: every endpoint in the app, generated from ``app.url_map``, with
the answer each persona must get. A new route without a decision here fails.

Personas: an anonymous visitor, the owner of the data in the URL, another user, an
administrator (who owns nothing in the URL), and a disabled user with a live session.
Outcomes: ``allowed`` (the view ran: 2xx, 3xx other than to the login page, or a 4xx of
its own such as a validation error), ``login`` (sent to sign in), ``hidden`` (404).
"""

from datetime import date
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import select

from journal import create_app
from journal.auth.tokens import create_invite
from journal.extensions import db
from journal.models import ImportJob, Prompt
from tests.conftest import make_config

# Which persona may do what is decided by the views, the same on either database; the
# owner-scoped reads behind "hidden" run on both in tests/test_ownership.py.
pytestmark = pytest.mark.one_backend

PERSONAS = ("anonymous", "owner", "other", "admin", "disabled")

PUBLIC = dict.fromkeys(PERSONAS, "allowed")
SIGNED_IN = {"anonymous": "login", "owner": "allowed", "other": "allowed",
             "admin": "allowed", "disabled": "login"}
OWNED = {"anonymous": "login", "owner": "allowed", "other": "hidden", "admin": "hidden",
         "disabled": "login"}
ADMIN = {"anonymous": "login", "owner": "hidden", "other": "hidden", "admin": "allowed",
         "disabled": "login"}
NOBODY = dict.fromkeys(PERSONAS, "hidden")  # a link that does not exist, for everyone

DECISIONS = {
    "static": PUBLIC, "assets.stylesheet": PUBLIC,
    "main.index": PUBLIC, "main.healthz": PUBLIC,
    "auth.login": PUBLIC, "auth.register": PUBLIC, "auth.logout": PUBLIC,
    "auth.reset_password": NOBODY, "auth.password": SIGNED_IN,
    "account.settings": SIGNED_IN, "account.recovery_key": SIGNED_IN,
    "account.new_recovery_key": SIGNED_IN, "account.unlock": SIGNED_IN,
    "account.delete_locked": SIGNED_IN, "account.encryption": SIGNED_IN,
    "account.open_journal": SIGNED_IN,
    "exports.index": SIGNED_IN, "exports.download": SIGNED_IN,
    "imports.index": SIGNED_IN, "imports.preview": SIGNED_IN, "imports.confirm": SIGNED_IN,
    "imports.cancel": SIGNED_IN, "account.delete": SIGNED_IN,
    "imports.job": OWNED, "imports.job_status": OWNED, "imports.cancel_job_view": OWNED,
    "entries.index": SIGNED_IN, "entries.new": SIGNED_IN,
    "entries.detail": OWNED, "entries.edit": OWNED, "entries.star": OWNED,
    "entries.delete": OWNED,
    "entries.calendar": SIGNED_IN, "entries.calendar_month": SIGNED_IN,
    "entries.day": SIGNED_IN, "entries.on_this_day": SIGNED_IN,
    "tags.index": SIGNED_IN, "tags.detail": OWNED, "tags.rename": OWNED,
    "tags.delete": OWNED,
    "prompts.index": SIGNED_IN, "prompts.today": SIGNED_IN, "prompts.new": SIGNED_IN,
    "prompts.edit": OWNED, "prompts.archive": OWNED,
    "prompts.hide": SIGNED_IN, "prompts.unhide": SIGNED_IN,
    "search.index": SIGNED_IN, "insights.index": SIGNED_IN,
    "wins.index": SIGNED_IN, "wins.brag": SIGNED_IN,
    "entries.mark_win": OWNED, "entries.unmark_win": OWNED,
    "admin.index": ADMIN, "admin.invite": ADMIN, "admin.revoke": ADMIN,
    "admin.activate": ADMIN, "admin.make_admin": ADMIN, "admin.reset": ADMIN,
    "admin.delete": ADMIN,
}

PASSWORDS = {"owner": "owner passphrase long", "other": "other passphrase long",
             "admin": "admin passphrase long", "disabled": "disabled passphrase long"}


def _rules():
    app = create_app(make_config(Path("unused.sqlite3")))
    return sorted({(rule.endpoint, method) for rule in app.url_map.iter_rules()
                   for method in rule.methods - {"HEAD", "OPTIONS"}})


RULES = _rules()


def test_every_endpoint_has_a_decision():
    missing = sorted({endpoint for endpoint, _ in RULES} - set(DECISIONS))
    assert not missing, f"decide who may reach these endpoints: {missing}"


@pytest.fixture
def world(app, make_user, make_entry):
    """The owner's data, and a signed-in client per persona."""
    from journal.auth.services import create_user

    people = {name: create_user(name, PASSWORDS[name], is_admin=(name == "admin"))
              for name in ("admin", "owner", "other", "disabled")}
    db.session.commit()
    entry = make_entry(people["owner"], "owner's words", tags="work")
    own_prompt = Prompt(owner_id=people["owner"].id, theme="value", text="Mine?")
    db.session.add(own_prompt)
    invitation, _ = create_invite(people["admin"], None)
    job = ImportJob(owner_id=people["owner"].id, filename="journal.json", format="journal",
                    timezone="UTC")
    job.keep_file(b"")
    db.session.add(job)
    db.session.commit()
    builtin = db.session.scalar(select(Prompt.id).where(Prompt.owner_id.is_(None)).limit(1))
    clients = {"anonymous": app.test_client()}
    for name in ("owner", "other", "admin", "disabled"):
        client = app.test_client()
        response = client.post("/auth/login", data={"username": name,
                                                    "password": PASSWORDS[name]})
        assert response.status_code == 302
        clients[name] = client
    people["disabled"].active = False
    db.session.commit()
    today = date.today()
    values = {"entry_id": entry.id, "name": "work", "prompt_id": own_prompt.id,
              "user_id": people["other"].id, "invite_id": invitation.id,
              "token": "no-such-token", "year": today.year, "month": today.month,
              "day": today.day, "filename": "js/app.js", "fmt": "json",
              "digest": "0123456789abcdef", "job_id": job.id}
    return clients, values, builtin


def _url(app, endpoint, values, builtin):
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    arguments = {name: values[name] for name in rule.arguments}
    if endpoint in ("prompts.hide", "prompts.unhide"):
        arguments["prompt_id"] = builtin  # built-in prompts are hidden, own ones archived
    with app.test_request_context():
        return url_for(endpoint, **arguments)


def _outcome(response) -> str:
    assert response.status_code < 500, response.status_code
    location = response.headers.get("Location", "")
    if response.status_code == 401 or (response.status_code == 302
                                       and location.startswith("/auth/login")
                                       and "next=" in location):
        return "login"
    if response.status_code == 404:
        return "hidden"
    return "allowed"


@pytest.mark.parametrize(("endpoint", "method"), RULES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_access(app, world, endpoint, method, persona):
    clients, values, builtin = world
    url = _url(app, endpoint, values, builtin)
    client = clients[persona]
    response = client.get(url) if method == "GET" else client.post(url, data={})
    expected = DECISIONS[endpoint][persona]
    assert _outcome(response) == expected, (persona, method, url, response.status_code)
