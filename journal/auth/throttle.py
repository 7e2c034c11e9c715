"""Login throttling counted in the database, so the limit holds across all worker
processes: 5 failures for one account or 20 from one address within 15 minutes."""

from datetime import datetime

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
    waits = []
    for condition, limit in limits:
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
        if count >= limit:
            waits.append(oldest + window)
    return max(waits) if waits else None


def record_failure(username: str, address: str) -> None:
    db.session.add(LoginFailure(username=username[:64], address=address[:64]))


def clear_failures(username: str) -> None:
    """Forget an account's failures after a successful sign-in; old rows are purged."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    cutoff = utcnow() - current_app.config["LOGIN_FAILURE_WINDOW"]
    db.session.execute(delete(LoginFailure).where(LoginFailure.created_at <= cutoff))
