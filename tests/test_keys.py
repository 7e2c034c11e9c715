"""An account's keys: made at registration (or at the first sign-in of an older
account), unwrapped by the password at sign-in, carried by the session only in a form its
cookie opens, re-wrapped by a password change, and out of reach after a reset."""

from pathlib import Path

from sqlalchemy import select

from journal.auth.sessions import load_user
from journal.auth.tokens import create_password_reset, use_password_reset
from journal.crypto.accounts import session_data_key, unlock_with_password
from journal.crypto.keys import KdfParams
from journal.extensions import db
from journal.models import AccountKey, User, UserSession
from tests.conftest import PASSWORD

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


def test_after_a_reset_the_new_password_cannot_open_the_old_key(client, user, login):
    before = db.session.get(AccountKey, user.id).by_password
    reset, _ = create_password_reset(user)
    use_password_reset(reset, NEW_PASSWORD)
    db.session.commit()

    assert login(user, NEW_PASSWORD).status_code == 302  # signed in all the same
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert row.wrapped_key is None  # this session cannot read what the old key wrapped
    db.session.expire_all()
    assert db.session.get(AccountKey, user.id).by_password == before  # kept for recovery


def test_deleting_the_account_deletes_its_keys(client, user, other_user):
    db.session.delete(reload(other_user))
    db.session.commit()
    assert db.session.get(AccountKey, other_user.id) is None
    assert db.session.get(AccountKey, user.id) is not None
