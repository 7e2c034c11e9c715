"""Guarding password checks against guessing: the page shown while guessing is paused,
and the throttled check of the signed-in person's password that the password page and
account deletion ask for."""

from datetime import datetime

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from journal.auth.services import authenticate
from journal.auth.throttle import record_failure, retry_after
from journal.extensions import db
from journal.models import utcnow
from journal.requestlog import security_event
from journal.timezones import to_local


def too_many_attempts(wait_until: datetime) -> ResponseReturnValue:
    """The 429 page saying when the next attempt is allowed, with ``Retry-After``."""
    local = to_local(wait_until, None)
    when = f"{local:%H:%M} ({local.tzname()})"
    page = render_template(
        "errors/error.html",
        status=429,
        title="Too many sign-in attempts",
        message="To protect accounts, sign-in is paused after several failed attempts.",
        retry_at=when,
    )
    seconds = max(1, int((wait_until - utcnow()).total_seconds()))
    return page, 429, {"Retry-After": str(seconds)}


def check_current_password(password: str) -> tuple[bool, ResponseReturnValue | None]:
    """Check ``password`` against the signed-in person's. A wrong one counts
    as a failed guess (committed and logged as a security event); returns
    ``(right, throttled)`` where ``throttled`` is the 429 page once guessing is paused."""
    address = request.remote_addr or "unknown"
    wait_until = retry_after(current_user.username, address)
    if wait_until is not None:
        return False, too_many_attempts(wait_until)
    if authenticate(current_user.username, password) is not None:
        return True, None
    record_failure(current_user.username, address)
    db.session.commit()
    security_event("failed_password_check", endpoint=request.endpoint or "-")
    return False, None
