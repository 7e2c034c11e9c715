"""Throttling counted in the database, so the limit holds across all worker processes:
sign-in pauses after 5 failures for one account or 20 from one address within 15
minutes; guessing a link's token (a password reset, an invitation) pauses after 10
unknown tokens of that kind from one address in the same window.

A token guess is stored as a failure whose ``username`` is :func:`token_key` of its
kind: it holds capital letters, which no canonical (case-folded) username does, so the
two kinds of count never mix."""

from datetime import datetime, timedelta
from typing import Literal

from flask import current_app
from sqlalchemy import delete, func, select

from journal.extensions import db
from journal.models import LoginFailure, utcnow


def retry_after(username: str, address: str) -> datetime | None:
    """When the next attempt is allowed, or ``None`` if it is allowed now."""
    config = current_app.config
    window = config["LOGIN_FAILURE_WINDOW"]
    since = utcnow() - window
    limits = (
        (LoginFailure.username == username, config["LOGIN_FAILURES_PER_ACCOUNT"]),
        (LoginFailure.address == address, config["LOGIN_FAILURES_PER_ADDRESS"]),
    )
    waits = [wait for condition, limit in limits
             if (wait := _paused_until(condition, limit, since, window)) is not None]
    return max(waits) if waits else None


def _paused_until(condition, limit: int, since: datetime,
                  window: timedelta) -> datetime | None:
    """When the oldest of the last ``limit`` failures matching ``condition`` since
    ``since`` leaves the window, if there are that many; else ``None``."""
    recent = (
        select(LoginFailure.created_at)
        .where(condition, LoginFailure.created_at > since)
        .order_by(LoginFailure.created_at.desc())
        .limit(limit)
        .subquery()
    )
    count, oldest = db.session.execute(
        select(func.count(), func.min(recent.c.created_at)).select_from(recent)
    ).one()
    return oldest + window if count >= limit else None


def record_failure(username: str, address: str) -> None:
    db.session.add(LoginFailure(username=username[:64], address=address[:64]))


def clear_failures(username: str) -> None:
    """Forget an account's failures after a successful sign-in; old rows are purged."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    cutoff = utcnow() - current_app.config["LOGIN_FAILURE_WINDOW"]
    db.session.execute(delete(LoginFailure).where(LoginFailure.created_at <= cutoff))


TokenKind = Literal["reset", "invite"]


def token_key(kind: TokenKind) -> str:
    """What a token guess of ``kind`` is counted under: never a canonical username."""
    return f"Token:{kind}"


def token_retry_after(kind: TokenKind, address: str) -> datetime | None:
    """When ``address`` may present a token of ``kind`` again, or ``None`` if now."""
    config = current_app.config
    window = config["LOGIN_FAILURE_WINDOW"]
    condition = (LoginFailure.username == token_key(kind)) & (LoginFailure.address == address)
    return _paused_until(condition, config["TOKEN_FAILURES_PER_ADDRESS"], utcnow() - window,
                         window)


def record_token_failure(kind: TokenKind, address: str) -> None:
    """Count an unknown, used or expired token of ``kind`` presented by ``address``."""
    db.session.add(LoginFailure(username=token_key(kind), address=address[:64]))
