"""Single-use links for invitations and password resets: an administrator creates
them, sign-in uses them. Functions add and flush; the view commits."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from journal.auth.models import Invite, PasswordReset
from journal.auth.services import reset_password
from journal.extensions import db
from journal.models import User, utcnow

TOKEN_BYTES = 32


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """``(token for the link, hash to store)``."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, _hash(token)


def create_invite(admin: User, username: str | None, days: int | None = None) -> tuple[Invite, str]:
    """An invitation that works once until it expires; returns it and its secret token."""
    token, digest = new_token()
    days = days or current_app.config["INVITE_DAYS"]
    invite = Invite(token_hash=digest, username=username or None, created_by_id=admin.id,
                    expires_at=utcnow() + timedelta(days=days))
    db.session.add(invite)
    db.session.flush()
    return invite, token


def usable_invite(token: str | None) -> Invite | None:
    """The invitation for ``token`` if it can still be used, else ``None``."""
    if not token or len(token) > 200:
        return None
    invite = db.session.scalar(select(Invite).where(Invite.token_hash == _hash(token)))
    return invite if invite and invite.usable(utcnow()) else None


def pending_invites() -> list[Invite]:
    """Invitations that can still be used, the soonest to expire first."""
    return list(db.session.scalars(
        select(Invite).where(Invite.used_at.is_(None), Invite.revoked_at.is_(None),
                             Invite.expires_at > utcnow())
        .order_by(Invite.expires_at)))


def revoke_invite(invite: Invite) -> None:
    if invite.used_at is None and invite.revoked_at is None:
        invite.revoked_at = utcnow()
        db.session.flush()


def create_password_reset(user: User) -> tuple[PasswordReset, str]:
    """A reset link for ``user``; earlier unused links for the account stop working."""
    for earlier in db.session.scalars(select(PasswordReset).where(
            PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))):
        earlier.used_at = utcnow()
    token, digest = new_token()
    reset = PasswordReset(user_id=user.id, token_hash=digest,
                          expires_at=utcnow() + timedelta(
                              hours=current_app.config["PASSWORD_RESET_HOURS"]))
    db.session.add(reset)
    db.session.flush()
    return reset, token


def usable_reset(token: str | None) -> PasswordReset | None:
    """The password link for ``token`` if it can still be used, else ``None``."""
    if not token or len(token) > 200:
        return None
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _hash(token)))
    return reset if reset and reset.usable(utcnow()) else None


def use_password_reset(reset: PasswordReset, password: str) -> int:
    """Spend the link: its account gets ``password`` as by :func:`reset_password` (every
    session ends, failed sign-ins are forgotten). Returns how many sessions ended."""
    reset.used_at = utcnow()
    return reset_password(reset.user, password)
