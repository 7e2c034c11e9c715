"""Guarding password checks against guessing: the page shown while guessing is paused,
and the throttled check of the signed-in person's password that the password page and
account deletion ask for."""

from datetime import datetime

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from journal.auth.services import authenticate
from journal.auth.throttle import (
    TokenKind,
    record_failure,
    record_token_failure,
    retry_after,
    token_retry_after,
)
from journal.extensions import db
from journal.models import utcnow
from journal.requestlog import security_event
from journal.timezones import to_local

SIGN_IN_PAUSED = ("Too many sign-in attempts",
                  "To protect accounts, sign-in is paused after several failed attempts.")
LINKS_PAUSED = ("Too many attempts with links",
                "Several links from this address did not work, so links are paused for a "
                "while. Check that you copied the whole link from your administrator.")


def too_many_attempts(wait_until: datetime,
                      wording: tuple[str, str] = SIGN_IN_PAUSED) -> ResponseReturnValue:
    """The 429 page saying when the next attempt is allowed, with ``Retry-After``;
    ``wording`` is its title and message."""
    local = to_local(wait_until, None)
    when = f"{local:%H:%M} ({local.tzname()})"
    title, message = wording
    page = render_template(
        "errors/error.html",
        status=429,
        title=title,
        message=message,
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


def token_guess_paused(kind: TokenKind) -> ResponseReturnValue | None:
    """The 429 page while this address may not present a token of ``kind``, else
    ``None``."""
    wait_until = token_retry_after(kind, request.remote_addr or "unknown")
    return too_many_attempts(wait_until, LINKS_PAUSED) if wait_until is not None else None


def count_token_guess(kind: TokenKind) -> None:
    """Count a token of ``kind`` that did not work (committed and logged)."""
    record_token_failure(kind, request.remote_addr or "unknown")
    db.session.commit()
    security_event("failed_token", link=kind)
