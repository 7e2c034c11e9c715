"""Server-side sessions. The session cookie and the remember cookie carry only a
random token; its SHA-256 is stored in ``user_sessions``. Deleting the row ends
that sign-in everywhere, including any copy of either cookie."""

import hashlib
import secrets
from datetime import timedelta

from flask import Flask, current_app, g, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete, select, update
from sqlalchemy.exc import SQLAlchemyError

from journal.auth.keys import offer_session_key, seal_for_session, wrap_for_session
from journal.crypto import keyring
from journal.extensions import db, login_manager
from journal.models import AccountKey, User, UserSession, utcnow


def init_login_manager(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    # Our sessions are server-side; Flask-Login's own fingerprinting would only add
    # surprise sign-outs when a phone changes networks.
    login_manager.session_protection = None
    app.after_request(record_activity)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The active user whose live session has this token, else ``None`` (signed out)."""
    if not token or len(token) > 128:
        return None
    found = db.session.execute(
        select(User, UserSession.expires_at, UserSession.wrapped_key, UserSession.recovery_key,
               AccountKey.user_id.label("has_keys"), AccountKey.recovery_saved_at,
               AccountKey.locked)
        .join(UserSession, UserSession.user_id == User.id)
        .outerjoin(AccountKey, AccountKey.user_id == User.id)
        .where(UserSession.token_hash == _hash_token(token))
    ).first()
    if found is None or found.expires_at <= utcnow() or not found.User.active:
        return None
    user = found.User
    user.session_token = token
    user.session_wrapped_key = found.wrapped_key
    user.data_key = None  # unwrapped from this session's copy when first needed
    offer_session_key(user)
    user.session_recovery_key = found.recovery_key
    user.recovery_unsaved = found.has_keys is not None and found.recovery_saved_at is None
    user.has_locked_entries = found.locked is not None
    return user


ACTIVITY_RESOLUTION = timedelta(minutes=5)


def record_activity(response):
    """After a request that may have written (not GET/HEAD/OPTIONS), note when the
    signed-in account was last active, at most once per few minutes. Reads write
    nothing, so browsing never contends for the database's write lock."""
    if request.method in ("GET", "HEAD", "OPTIONS") or not current_user.is_authenticated:
        return response
    now = utcnow()
    seen = current_user.last_seen_at
    if seen is None or now - seen > ACTIVITY_RESOLUTION:
        try:
            db.session.execute(update(User).where(User.id == current_user.id)
                               .values(last_seen_at=now))
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            current_app.logger.exception("Could not record account activity")
    return response


def start_session(user: User, remember: bool) -> None:
    """Sign ``user`` in with a fresh session: the old cookie's contents are dropped and
    a new server-side session row is added (the caller commits). When the account's data
    key was unlocked for this sign-in (``user.data_key``), the session keeps a copy only
    its cookie's token opens."""
    session.clear()
    # The cleared session held the CSRF secret: a form shown in this same response (a
    # carried entry) must be signed with the new one, not with the token cached on g.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    purge_expired_sessions()
    token = secrets.token_urlsafe(32)
    lifetime = (current_app.config["REMEMBER_COOKIE_DURATION"] if remember
                else current_app.config["SESSION_IDLE_TIMEOUT"])
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=_hash_token(token),
            expires_at=utcnow() + lifetime,
            user_agent=(request.user_agent.string or "")[:200] or None,
            wrapped_key=(wrap_for_session(user, token, user.data_key)
                         if user.data_key is not None else None),
        )
    )
    user.session_token = token
    user.last_seen_at = utcnow()
    login_user(user, remember=remember, duration=min(lifetime, timedelta(days=30)))


def end_current_session() -> None:
    """Sign the current browser out and delete its server-side session (caller commits)."""
    token = getattr(current_user, "session_token", None)
    if current_user.is_authenticated:
        keyring.forget(current_user.id)
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _hash_token(token)))
    logout_user()
    forget_remember_cookie = session.get("_remember") == "clear"
    session.clear()
    if forget_remember_cookie:  # logout_user's request to drop the remember-me cookie
        session["_remember"] = "clear"


def end_all_sessions(user: User) -> int:
    """Delete every session of ``user`` (caller commits): all their browsers are signed
    out on their next request."""
    ended = db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    keyring.forget(user.id)
    return ended.rowcount or 0


def end_other_sessions(user: User) -> int:
    """Delete every session of ``user`` but the current one; returns how many ended."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    if user.session_token:
        statement = statement.where(UserSession.token_hash != _hash_token(user.session_token))
    return db.session.execute(statement).rowcount or 0


def purge_expired_sessions() -> None:
    db.session.execute(delete(UserSession).where(UserSession.expires_at <= utcnow()))


def keep_in_this_session(user: User, *, data_key: bytes | None = None,
                         recovery_key: str | None = None, forget_recovery_key: bool = False
                         ) -> None:
    """Store in the current session's row what only its cookie opens: a copy of the
    data key (after an unlock), a new recovery key to show, or forget the recovery key
    once it is saved (the caller commits)."""
    values: dict = {}
    if data_key is not None:
        values["wrapped_key"] = wrap_for_session(user, user.session_token, data_key)
    if recovery_key is not None:
        values["recovery_key"] = seal_for_session(user, user.session_token, recovery_key)
    if forget_recovery_key:
        values["recovery_key"] = None
    if values and user.session_token:
        db.session.execute(update(UserSession).where(
            UserSession.token_hash == _hash_token(user.session_token)).values(**values))
