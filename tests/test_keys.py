"""An account's keys: made at registration (or at the first sign-in of an older
account), unwrapped by the password at sign-in, carried by the session only in a form its
cookie opens, re-wrapped by a password change, and out of reach after a reset."""

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select, update

from journal.auth.keys import (
    make_recovery_key,
    session_data_key,
    unlock_with_password,
    unlock_with_recovery_key,
)
from journal.auth.sessions import load_user
from journal.auth.tokens import create_password_reset, use_password_reset
from journal.crypto.keys import KdfParams, WrongKey
from journal.crypto.recovery import new_recovery_key
from journal.extensions import db
from journal.models import AccountKey, User, UserSession, utcnow
from tests.conftest import OTHER_PASSWORD, PASSWORD

NEW_PASSWORD = "a brand new long passphrase"


def session_token(client) -> str:
    with client.session_transaction() as cookie:
        return cookie["_user_id"]


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def the_data_key(user: User, password: str = PASSWORD) -> bytes:
    key = unlock_with_password(reload(user), password)
    assert key is not None
    return key


def stored_bytes(app) -> bytes:
    """Every byte of the SQLite database and its WAL."""
    path = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    db.session.commit()
    return b"".join(part.read_bytes() for part in (path, Path(f"{path}-wal")) if part.exists())


def test_registration_makes_keys_and_the_session_opens_them(app, client):
    client.post("/auth/register", data={"username": "cleo", "password": PASSWORD,
                                        "confirm": PASSWORD})
    user = db.session.scalar(select(User).where(User.username == "cleo"))
    keys = db.session.get(AccountKey, user.id)
    params = KdfParams.from_json(keys.kdf)
    assert (params.time_cost, params.memory_cost) == (
        app.config["KEY_DERIVATION_TIME_COST"], app.config["KEY_DERIVATION_MEMORY_COST"])

    data_key = the_data_key(user)
    in_session = load_user(session_token(client))
    assert session_data_key(in_session) == data_key


def test_no_data_key_is_stored_unwrapped(app, client, user, login):
    login(user)
    data_key = the_data_key(user)
    stored = stored_bytes(app)
    assert data_key not in stored and data_key.hex().encode() not in stored
    token = session_token(client)
    assert token.encode() not in stored  # only its hash is kept


def test_the_session_copy_opens_only_with_the_cookie_token(client, user, login):
    login(user)
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert row.wrapped_key is not None
    impostor = reload(user)
    impostor.session_token, impostor.session_wrapped_key = row.token_hash, row.wrapped_key
    impostor.data_key = None
    assert session_data_key(impostor) is None  # the stored hash is not the token


def test_signing_out_deletes_the_sessions_copy(client, user, login):
    login(user)
    client.post("/auth/logout")
    assert db.session.scalars(select(UserSession.wrapped_key)).all() == []


def test_each_sign_in_has_its_own_copy_and_a_remembered_one_keeps_working(
        app, client, user, login):
    login(user, remember="y")
    phone = app.test_client()
    phone.post("/auth/login", data={"username": user.username, "password": PASSWORD})
    copies = db.session.scalars(select(UserSession.wrapped_key)).all()
    assert len(set(copies)) == 2
    remembered = load_user(session_token(client))
    assert session_data_key(remembered) == the_data_key(user)


def test_a_password_change_rewraps_the_key_and_ends_other_sign_ins(app, client, user, login):
    login(user)
    data_key = the_data_key(user)
    elsewhere = app.test_client()
    elsewhere.post("/auth/login", data={"username": user.username, "password": PASSWORD})
    response = client.post("/auth/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert unlock_with_password(reload(user), PASSWORD) is None
    assert the_data_key(user, NEW_PASSWORD) == data_key
    assert session_data_key(load_user(session_token(client))) == data_key
    assert elsewhere.get("/entries/").status_code == 302  # signed out


def test_an_older_account_gets_its_keys_at_its_next_sign_in(client, user, login):
    db.session.delete(db.session.get(AccountKey, user.id))
    db.session.commit()
    login(user)
    assert db.session.get(AccountKey, user.id) is not None
    assert session_data_key(load_user(session_token(client))) == the_data_key(user)


def test_after_a_reset_the_new_password_starts_a_new_generation_of_keys(client, user, login):
    old_key = the_data_key(user)
    keys = db.session.get(AccountKey, user.id)
    old_public, old_recovery = keys.public_key, keys.by_recovery
    reset, _ = create_password_reset(user)
    use_password_reset(reset, NEW_PASSWORD)
    db.session.commit()

    assert login(user, NEW_PASSWORD).status_code == 302  # signed in all the same
    db.session.expire_all()
    keys = db.session.get(AccountKey, user.id)
    new_key = the_data_key(user, NEW_PASSWORD)
    assert new_key != old_key and keys.public_key != old_public
    assert keys.by_recovery is not None  # a recovery key for the new one, to be shown
    assert keys.locked_generations() == [
        {"public": old_public, "private": keys.locked_generations()[0]["private"],
         "by_recovery": old_recovery}]
    assert session_data_key(load_user(session_token(client))) == new_key


def test_deleting_the_account_deletes_its_keys(client, user, other_user):
    db.session.delete(reload(other_user))
    db.session.commit()
    assert db.session.get(AccountKey, other_user.id) is None
    assert db.session.get(AccountKey, user.id) is not None


# --- the recovery key ----------------------------------------------------------------------

def shown_key(client) -> str:
    page = client.get("/account/recovery-key").get_data(as_text=True)
    match = re.search(r'id="recovery-key"[^>]*>([^<]+)<', page)
    assert match, "no recovery key on the page"
    return match.group(1).strip()


def register(client, name="cleo"):
    return client.post("/auth/register", data={"username": name, "password": PASSWORD,
                                                "confirm": PASSWORD})


def test_the_recovery_key_is_shown_until_confirmed_then_gone(app, client):
    register(client)
    key = shown_key(client)
    assert shown_key(client) == key  # a reload shows the same key, as downloaded
    page = client.get("/account/recovery-key").get_data(as_text=True)
    assert 'download="journal-recovery-key.txt"' in page
    assert quote(key) in page  # the download holds the same key
    assert key.encode() not in stored_bytes(app)  # only sealed for this browser's session

    unticked = client.post("/account/recovery-key", data={})
    assert unticked.status_code == 400
    assert "Tick the box once the key is saved" in unticked.get_data(as_text=True)
    assert "Your recovery key is not saved yet." in client.get("/entries/").get_data(
        as_text=True)

    done = client.post("/account/recovery-key", data={"saved": "y"})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    after = client.get("/account/recovery-key").get_data(as_text=True)
    assert 'id="recovery-key"' not in after and key not in after
    assert "Your recovery key is not saved yet." not in client.get("/").get_data(as_text=True)
    assert db.session.scalars(select(UserSession.recovery_key)).all() == [None]


def test_a_new_recovery_key_replaces_the_old_one(client):
    register(client)
    old = shown_key(client)
    client.post("/account/recovery-key", data={"saved": "y"})
    assert client.post("/account/recovery-key/new").status_code == 302
    new = shown_key(client)
    assert new != old
    user = db.session.scalar(select(User).where(User.username == "cleo"))
    with pytest.raises(WrongKey):
        unlock_with_recovery_key(reload(user), old, PASSWORD)
    assert unlock_with_recovery_key(reload(user), new, PASSWORD) == the_data_key(user)


def test_an_older_sign_in_is_asked_for_the_password_once(client, user, login, make_entry):
    make_entry(user, "Written with keys.")
    login(user, remember="y")
    db.session.execute(update(UserSession).values(wrapped_key=None))  # as before keys
    db.session.commit()

    asked = client.get("/entries/?page=1")
    assert asked.status_code == 302
    assert asked.headers["Location"] == "/account/open?next=/entries/?page%3D1"
    assert client.post("/account/recovery-key/new", data={}).headers["Location"] == (
        "/account/open")
    wrong = client.post("/account/open", data={"password": "not my password!"})
    assert wrong.status_code == 400
    assert "That is not your current password." in wrong.get_data(as_text=True)
    opened = client.post("/account/open", data={"password": PASSWORD, "next": "/entries/"})
    assert opened.headers["Location"] == "/entries/"
    assert "Written with keys." in client.get("/entries/").get_data(as_text=True)
    assert client.post("/account/recovery-key/new", data={}).status_code == 302
    assert shown_key(client).count("-") == 7


def reset_link(user):
    _, token = create_password_reset(user)
    db.session.commit()
    return token


def test_after_a_reset_the_recovery_key_opens_the_journal_again(client, login):
    register(client)
    key = shown_key(client)
    user = db.session.scalar(select(User).where(User.username == "cleo"))
    data_key = the_data_key(user)
    reset, _ = create_password_reset(user)
    use_password_reset(reset, NEW_PASSWORD)
    db.session.commit()
    login(user, NEW_PASSWORD)

    mistyped = client.post("/account/unlock", data={"recovery_key": key[:-3],
                                                    "password": NEW_PASSWORD})
    assert mistyped.status_code == 400
    assert "letters and digits" in mistyped.get_data(as_text=True)
    _, other = new_recovery_key()
    wrong = client.post("/account/unlock", data={"recovery_key": other,
                                                 "password": NEW_PASSWORD})
    assert "does not open this journal" in wrong.get_data(as_text=True)
    assert the_data_key(user, NEW_PASSWORD) != data_key  # nothing changed
    assert db.session.get(AccountKey, user.id).locked is not None

    done = client.post("/account/unlock", data={"recovery_key": key.lower(),
                                                "password": NEW_PASSWORD})
    assert done.status_code == 302
    assert the_data_key(user, NEW_PASSWORD) == data_key
    assert session_data_key(load_user(session_token(client))) == data_key


def test_the_reset_page_takes_the_recovery_key_and_a_wrong_one_changes_nothing(
        app, client, user):
    data_key = the_data_key(user)
    keys = db.session.get(AccountKey, user.id)
    recovery = make_recovery_key(user, data_key)
    db.session.commit()
    token = reset_link(user)
    holder = app.test_client()

    _, other = new_recovery_key()
    wrong = holder.post(f"/auth/reset/{token}", data={
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "recovery_key": other})
    assert wrong.status_code == 400
    assert "does not open this journal" in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert unlock_with_password(reload(user), PASSWORD) == data_key  # the old one still works

    done = holder.post(f"/auth/reset/{token}", data={
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "recovery_key": recovery})
    assert done.status_code == 302
    assert the_data_key(user, NEW_PASSWORD) == data_key
    assert keys.user_id == user.id


def test_disabling_an_account_or_resetting_its_password_drops_every_sessions_copy(
        app, client, user, login, other_user):
    admin_client = client
    login(user)  # the administrator
    for _ in range(2):
        app.test_client().post("/auth/login", data={"username": "bo",
                                                    "password": OTHER_PASSWORD})
    copies = select(UserSession.wrapped_key).where(UserSession.user_id == other_user.id)
    assert len(db.session.scalars(copies).all()) == 2
    admin_client.post(f"/admin/users/{other_user.id}/active", data={"active": "0"})
    assert db.session.scalars(copies).all() == []

    admin_client.post(f"/admin/users/{other_user.id}/active", data={"active": "1"})
    app.test_client().post("/auth/login", data={"username": "bo", "password": OTHER_PASSWORD})
    reset, _ = create_password_reset(reload(other_user))
    use_password_reset(reset, NEW_PASSWORD)
    db.session.commit()
    assert db.session.scalars(copies).all() == []


def test_an_expired_session_cannot_open_the_key(client, user, login):
    login(user)
    token = session_token(client)
    db.session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert load_user(token) is None


# --- entries after a reset -----------------------------------------------------------------

def registered_with_entries(client) -> tuple[User, str]:
    """cleo, registered through the pages, with two entries tagged work, signed out."""
    register(client)
    key = shown_key(client)
    client.post("/account/recovery-key", data={"saved": "y"})
    for body in ("Before the reset, one.", "Before the reset, two."):
        client.post("/entries/new", data={"body": body, "tags": "work"})
    client.post("/auth/logout")
    return db.session.scalar(select(User).where(User.username == "cleo")), key


def reset_and_sign_in(client, login, user: User):
    reset, _ = create_password_reset(user)
    use_password_reset(reset, NEW_PASSWORD)
    db.session.commit()
    assert login(user, NEW_PASSWORD).status_code == 302


def test_after_a_reset_old_entries_are_locked_and_the_recovery_key_opens_them(client, login):
    user, key = registered_with_entries(client)
    reset_and_sign_in(client, login, user)

    listed = client.get("/entries/").get_data(as_text=True)
    assert listed.count("Locked entry") == 2 and "is locked" in listed
    unlock_page = client.get("/account/unlock").get_data(as_text=True)
    assert "2 entries are locked" in unlock_page
    assert "<title>Open your journal with your recovery key · Journal</title>" in unlock_page
    assert unlock_page.count('id="let-go-heading"') == 1
    assert client.post("/entries/new", data={"body": "Since the reset.", "tags": "work, new"}
                       ).status_code == 302

    done = client.post("/account/unlock", data={"recovery_key": key, "password": NEW_PASSWORD})

    assert done.status_code == 302
    listed = client.get("/entries/").get_data(as_text=True)
    assert "Locked entry" not in listed
    assert all(text in listed for text in ("Before the reset, one.", "Since the reset."))
    tags = client.get("/tags/").get_data(as_text=True)
    assert tags.count('href="/tags/work"') == 1  # the tag written since was merged
    assert client.get("/tags/work").get_data(as_text=True).count("entry-card-title") == 3
    assert "is locked" not in client.get("/").get_data(as_text=True)
    client.post("/auth/logout")
    assert login(user, NEW_PASSWORD).status_code == 302  # the password opens it all now
    assert "Before the reset, two." in client.get("/entries/").get_data(as_text=True)


def test_locked_entries_can_be_let_go(client, login):
    user, _ = registered_with_entries(client)
    reset_and_sign_in(client, login, user)
    client.post("/entries/new", data={"body": "Kept after the reset.", "tags": "work"})

    unticked = client.post("/account/unlock/delete-locked", data={})
    assert unticked.status_code == 400
    assert "Tick the box" in unticked.get_data(as_text=True)
    done = client.post("/account/unlock/delete-locked", data={"confirm": "y"})

    assert done.status_code == 302
    listed = client.get("/entries/").get_data(as_text=True)
    assert "Locked entry" not in listed and "Kept after the reset." in listed
    assert "is locked" not in listed
    assert db.session.get(AccountKey, user.id).locked is None
    assert client.get("/tags/work").get_data(as_text=True).count("entry-card-title") == 1


def test_the_encryption_page_says_what_is_encrypted_and_replaces_the_recovery_key(client):
    register(client)
    first = shown_key(client)
    client.post("/account/recovery-key", data={"saved": "y"})

    page = client.get("/account/encryption").get_data(as_text=True)
    assert "What is encrypted" in page and "What whoever runs the server can see" in page
    assert "You confirmed your recovery key" in page
    assert client.post("/account/recovery-key/new").headers["Location"] == (
        "/account/recovery-key")
    assert shown_key(client) != first
    assert "not saved yet" in client.get("/account/encryption").get_data(as_text=True)
