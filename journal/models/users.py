"""Accounts, their server-side sessions and failed login attempts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from journal.extensions import db
from journal.models.base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from journal.models.entries import Entry


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Canonical form (NFKC, case-folded, trimmed): unique, used for look-ups.
    username: Mapped[str] = mapped_column(String(64), unique=True)
    # As the person typed it, for display.
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # IANA name such as "Europe/Berlin"; None means the server's zone.
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The zone the account's day totals were counted in (journal.totals); when it is no
    # longer the zone the account sees, they are counted again.
    totals_zone: Mapped[str | None] = mapped_column(String(64))
    # When the account last signed in or saved something (reads are not recorded).
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When everything the account had written was sealed under its key (at once for a
    # new account; at the first sign-in with a password for one from before).
    sealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sessions: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    entries: Mapped[list[Entry]] = relationship(
        back_populates="owner", cascade="all, delete-orphan", passive_deletes=True
    )

    # The session this request was authenticated with; set by the user loader and at login.
    session_token = None  # str | None; not a column
    # That session's copy of the data key, wrapped by a key only its token derives (the
    # user loader reads it with the session); the data key itself, once unwrapped for
    # this request (see journal.auth.keys). Neither is a column of this table.
    session_wrapped_key = None  # bytes | None
    data_key = None  # bytes | None
    # The session's sealed recovery key waiting to be shown, and whether the account has
    # keys whose recovery key is not saved yet (for the banner); read with the session.
    session_recovery_key = None  # bytes | None
    recovery_unsaved = False
    # Whether rows of an earlier generation of keys are locked (after a password reset).
    has_locked_entries = False

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str | None:
        """Flask-Login stores this in the session and the remember cookie: the token of
        a server-side session, so that ending the session on the server ends both."""
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r}>"


class UserSession(db.Model):
    """One signed-in browser. Deleting the row signs that browser out for good: the
    cookie holds only a token whose hash is stored here."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_agent: Mapped[str | None] = mapped_column(String(200))
    # The account's data key wrapped by a key derived from this session's token, which
    # only the browser holds (the table stores its hash): None for a session that
    # cannot read the journal.
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    # A new recovery key until its owner confirms they saved it, sealed under the same
    # session key: shown on /account/recovery-key in this browser only.
    recovery_key: Mapped[bytes | None] = mapped_column(LargeBinary)

    user: Mapped[User] = relationship(back_populates="sessions")


class LoginFailure(db.Model):
    """A failed sign-in, kept for the throttling window. Stored in the database so every
    worker process counts the same failures."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username_created_at", "username", "created_at"),
        Index("ix_login_failures_address_created_at", "address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
