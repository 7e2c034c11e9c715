"""Leaving the journal: bo deletes his own account at /account/delete, while ana, the
administrator, keeps hers untouched."""

import logging

import pytest
from flask import url_for
from sqlalchemy import func, select, text

from journal.auth.tokens import create_password_reset
from journal.entries.services import create_entry
from journal.extensions import db
from journal.models import (
    Entry,
    EntryTag,
    LoginFailure,
    OwnedMixin,
    Prompt,
    Reframe,
    Tag,
    User,
    UserSession,
)
from journal.prompts.services import create_own_prompt, hide_prompt
from tests.conftest import OTHER_PASSWORD, PASSWORD, csrf_token_from

URL = "/account/delete"
REFUSED_MESSAGE = "That is not your password. Nothing was deleted."


def _count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def _find(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def _sign_in(client, username: str, password: str, **extra):
    response = client.post("/auth/login",
                           data={"username": username, "password": password, **extra})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _is_sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith(
        "/auth/login")


@pytest.fixture
def bo(user, other_user, client):
    """bo, signed in on the test client; ana (the administrator) exists too."""
    _sign_in(client, "bo", OTHER_PASSWORD)
    return other_user


# --- the page ------------------------------------------------------------------------------

def test_page_offers_the_export_first_and_counts_the_entries(app, client, bo, user,
                                                            make_entry):
    make_entry(bo, "First thing shipped.")
    make_entry(bo, "Second thing shipped.")
    make_entry(user, "Ana's own entry.")
    response = client.get(URL)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    with app.test_request_context():
        export_page = url_for("exports.index")
        downloads = [url_for("exports.download", fmt=fmt) for fmt in ("json", "markdown", "jrnl")]
    for link in [export_page, *downloads]:
        assert f'href="{link}"' in html
    form_at = html.index(f'action="{URL}"')
    assert all(html.index(f'href="{link}"') < form_at for link in downloads)
    assert "Your 2 entries" in html
    assert "cannot be undone" in html
    assert 'name="password"' in html and 'name="confirm"' in html


def test_settings_link_to_the_export_and_to_deleting(app, client, bo):
    html = client.get("/account/").get_data(as_text=True)
    assert "Leave the journal" in html
    with app.test_request_context():
        assert f'href="{url_for("exports.index")}"' in html
    assert f'href="{URL}"' in html


def test_signed_out_visitors_are_sent_to_sign_in(client, user):
    assert _is_sent_to_sign_in(client.get(URL))


# --- refusals ------------------------------------------------------------------------------

def test_wrong_password_deletes_nothing_and_keeps_the_confirmation(client, bo, make_entry):
    make_entry(bo, "Still here.")
    response = client.post(URL, data={"password": "not my password", "confirm": "Bo"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert REFUSED_MESSAGE in html
    assert 'value="Bo"' in html
    assert "not my password" not in html
    assert _find("bo") is not None
    assert _count(Entry, Entry.owner_id == bo.id) == 1
    assert _count(LoginFailure, LoginFailure.username == "bo") == 1
    assert client.get("/entries/").status_code == 200  # still signed in


def test_wrong_passwords_are_throttled_like_sign_in(app, client, bo):
    limit = app.config["LOGIN_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        response = client.post(URL, data={"password": "a guess", "confirm": "bo"})
        assert response.status_code == 400
    response = client.post(URL, data={"password": OTHER_PASSWORD, "confirm": "bo"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many sign-in attempts" in response.get_data(as_text=True)
    assert _find("bo") is not None


def test_wrong_confirmation_is_refused_and_kept(client, bo):
    response = client.post(URL, data={"password": OTHER_PASSWORD, "confirm": "ana"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Type your username, “bo”, exactly" in html
    assert 'value="ana"' in html
    assert OTHER_PASSWORD not in html
    assert _find("bo") is not None
    assert _count(LoginFailure) == 0  # the password was not even tried


def test_empty_form_is_refused(client, bo):
    response = client.post(URL, data={})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Type your password." in html
    assert "Type your username to confirm." in html
    assert _find("bo") is not None


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_a_post_without_csrf_token_is_refused(client, user, other_user):
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    _sign_in(client, "bo", OTHER_PASSWORD, csrf_token=token)
    form = {"password": OTHER_PASSWORD, "confirm": "bo"}
    assert client.post(URL, data=form).status_code == 400
    assert _find("bo") is not None
    token = csrf_token_from(client.get(URL).get_data(as_text=True))
    assert client.post(URL, data={**form, "csrf_token": token}).status_code == 302
    assert _find("bo") is None


# --- deleting ------------------------------------------------------------------------------

def _rows_naming_user(user_id: int) -> dict[str, int]:
    """Every row, in every mapped table, with a column pointing at the account."""
    found = {}
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if any(key.column.table.name == "users" for key in column.foreign_keys):
                rows = db.session.scalar(select(func.count()).select_from(table)
                                         .where(column == user_id))
                if rows:
                    found[f"{table.name}.{column.name}"] = rows
    return found


def _owned_rows(user_id: int) -> dict[str, int]:
    found = {}
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        if issubclass(model, OwnedMixin):
            found[model.__tablename__] = _count(model, model.owner_id == user_id)
    return found


def _search_documents(owner_id: int) -> int:
    if db.engine.dialect.name == "sqlite":
        statement = "SELECT count(*) FROM entries_fts WHERE owner_id = :owner"
    else:
        statement = "SELECT count(*) FROM search_documents WHERE owner_id = :owner"
    return db.session.scalar(text(statement), {"owner": owner_id})


def _snapshot(user_id: int) -> dict[str, int]:
    entry_ids = select(Entry.id).where(Entry.owner_id == user_id)
    return {
        **_rows_naming_user(user_id),
        **_owned_rows(user_id),
        "reframes": _count(Reframe, Reframe.entry_id.in_(entry_ids)),
        "entry_tags": _count(EntryTag, EntryTag.entry_id.in_(entry_ids)),
        "search": _search_documents(user_id),
    }


def _fill_journal(person, word: str) -> None:
    """Entries of every kind, tags, an own prompt, a hidden built-in and a password link."""
    own = create_own_prompt(person, text=f"What did {word} change?", theme="value")
    builtin = db.session.scalar(select(Prompt).where(Prompt.owner_id.is_(None)).limit(1))
    hide_prompt(person, builtin)
    create_entry(person, title=f"{word} launch", body=f"The {word} launch went out.",
                 tags=[("work/launch", "Work/Launch"), ("win", "win")], prompt=own,
                 is_win=True, win_part=f"I wrote the {word} rollout plan.")
    create_entry(person, title=None, body="", tags=[("doubt", "doubt")],
                 reframe={"happened": f"The {word} demo stalled.", "critic": "Sloppy.",
                          "belief_before": 8, "belief_after": 4})
    create_password_reset(person)
    db.session.commit()


def test_deleting_removes_everything_of_the_user_and_nothing_else(app, client, bo, user):
    _fill_journal(bo, "zanzibar")
    _fill_journal(user, "quokka")
    bo_id = bo.id
    before = _snapshot(bo_id)
    for table in ("entries.owner_id", "tags.owner_id", "prompts.owner_id",
                  "prompt_hides.user_id", "user_sessions.user_id",
                  "password_resets.user_id", "reframes", "entry_tags", "search"):
        assert before[table] > 0, table
    ana_before = _snapshot(user.id)

    response = client.post(URL, data={"password": OTHER_PASSWORD, "confirm": "Bo"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert _find("bo") is None
    after = _snapshot(bo_id)
    assert not any(after.values()), after
    assert _count(EntryTag) == ana_before["entry_tags"]
    assert _count(Tag) == ana_before["tags"]
    assert _snapshot(user.id) == ana_before
    if db.engine.dialect.name == "sqlite":
        assert db.session.scalar(text(
            "SELECT count(*) FROM entries_fts WHERE entries_fts MATCH 'zanzibar'")) == 0

    ana = app.test_client()
    _sign_in(ana, "ana", PASSWORD)
    found = ana.get("/search?q=quokka")
    assert found.status_code == 200
    assert "quokka launch" in found.get_data(as_text=True)
    assert "zanzibar launch" not in ana.get("/search?q=zanzibar").get_data(as_text=True)


def test_this_browser_is_signed_out_with_a_goodbye(client, bo, caplog):
    _sign_in(client, "bo", OTHER_PASSWORD, remember="y")
    assert client.get_cookie("remember_token") is not None
    caplog.set_level(logging.WARNING, logger="journal.security")

    response = client.post(URL, data={"password": OTHER_PASSWORD, "confirm": "bo"},
                           follow_redirects=True)

    html = response.get_data(as_text=True)
    assert "Your account and everything in it are deleted" in html
    assert client.get_cookie("remember_token") is None
    assert _is_sent_to_sign_in(client.get("/entries/"))
    events = [record for record in caplog.records if record.name == "journal.security"]
    assert any("account_deleted" in record.getMessage() for record in events)
    assert all(OTHER_PASSWORD not in record.getMessage() for record in events)


def test_every_other_sign_in_ends(app, client, bo):
    phone = _sign_in(app.test_client(), "bo", OTHER_PASSWORD)
    laptop = _sign_in(app.test_client(), "bo", OTHER_PASSWORD, remember="y")
    laptop.delete_cookie("session")
    assert laptop.get("/entries/").status_code == 200  # signed in by the remember cookie
    laptop.delete_cookie("session")
    assert phone.get("/entries/").status_code == 200

    response = client.post(URL, data={"password": OTHER_PASSWORD, "confirm": "bo"})

    assert response.status_code == 302
    assert _is_sent_to_sign_in(phone.get("/entries/"))
    assert _is_sent_to_sign_in(laptop.get("/entries/"))
    assert _count(UserSession) == 0


def test_the_username_can_be_registered_again(client, bo, make_entry):
    make_entry(bo, "Old words.")
    client.post(URL, data={"password": OTHER_PASSWORD, "confirm": "bo"})
    fresh = "a brand new long passphrase"
    response = client.post("/auth/register",
                           data={"username": "bo", "password": fresh, "confirm": fresh})
    assert response.status_code == 302
    newcomer = _find("bo")
    assert newcomer is not None and not newcomer.is_admin
    assert _count(Entry, Entry.owner_id == newcomer.id) == 0
    assert "Old words." not in client.get("/entries/").get_data(as_text=True)


# --- the last administrator ----------------------------------------------------------------

def test_the_last_administrator_cannot_leave_while_others_have_accounts(client, logged_in,
                                                                       other_user):
    page = client.get(URL)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "You are the only administrator" in html
    assert 'href="/admin/"' in html
    assert f'action="{URL}"' not in html
    response = client.post(URL, data={"password": PASSWORD, "confirm": "ana"})
    assert response.status_code == 403
    assert _find("ana") is not None
    assert _count(LoginFailure) == 0


def test_an_administrator_may_leave_when_another_one_remains(client, logged_in, make_user):
    make_user("cy", admin=True)
    response = client.post(URL, data={"password": PASSWORD, "confirm": "ana"})
    assert response.status_code == 302
    assert _find("ana") is None
    assert _find("cy").is_admin


def test_the_only_account_may_leave_and_the_journal_starts_afresh(client, logged_in,
                                                                  make_entry):
    make_entry(logged_in, "Alone here.")
    assert "You are the only administrator" not in client.get(URL).get_data(as_text=True)
    response = client.post(URL, data={"password": PASSWORD, "confirm": "ana"})
    assert response.status_code == 302
    assert _count(User) == 0 and _count(Entry) == 0
    fresh = "the next keeper of this journal"
    response = client.post("/auth/register",
                           data={"username": "dee", "password": fresh, "confirm": fresh})
    assert response.status_code == 302
    assert _find("dee").is_admin
