"""Writes for accounts. Functions add and flush; the view commits."""

import unicodedata

from journal.auth.keys import (
    create_keys,
    rewrap_for_password,
    session_data_key,
    unlock_with_password,
)
from journal.auth.passwords import hash_password, needs_rehash, verify_password
from journal.auth.queries import find_user, has_any_user
from journal.auth.sessions import end_all_sessions
from journal.auth.throttle import clear_failures
from journal.auth.usernames import canonical_username
from journal.extensions import db
from journal.models import User, utcnow


def create_user(raw_username: str, password: str, *, is_admin: bool | None = None,
                timezone: str | None = None) -> User:
    """Add an account with its keys (its data key is ``user.data_key`` for this
    request). The first account ever created is the administrator. ``timezone`` is an
    IANA name already checked by the caller; ``None`` means the server's zone."""
    if is_admin is None:
        is_admin = not has_any_user()
    user = User(
        username=canonical_username(raw_username),
        display_name=unicodedata.normalize("NFKC", raw_username).strip(),
        password_hash=hash_password(password),
        is_admin=is_admin,
        timezone=timezone,
        sealed_at=utcnow(),  # nothing written yet: sealed from the first entry
    )
    db.session.add(user)
    db.session.flush()
    create_keys(user, password)
    return user


def authenticate(raw_username: str, password: str) -> User | None:
    """The active user with this name and password, else ``None``. Unknown names cost a
    hash computation too, so timing does not tell which names exist. Upgrades the stored
    hash when the hashing parameters have changed."""
    user = find_user(raw_username)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)


def change_password(user: User, current_password: str, password: str) -> None:
    """Replace ``user``'s checked ``current_password`` with ``password``; the data key
    is wrapped by the new one (the recovery key keeps opening it)."""
    data_key = session_data_key(user) or unlock_with_password(user, current_password)
    set_password(user, password)
    if data_key is not None:
        rewrap_for_password(user, data_key, password)


def reset_password(user: User, password: str) -> int:
    """Give ``user`` a new password, end every session they have (so whoever held the old
    password is signed out everywhere) and forget their failed sign-ins (so a locked-out
    person can sign in at once). For ``flask reset-password`` and the reset link alike.
    Returns how many sessions ended."""
    set_password(user, password)
    ended = end_all_sessions(user)
    clear_failures(user.username)
    return ended
