"""Error pages, in the site's layout, for every error a user can reach."""

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from journal.extensions import db
from journal.requestlog import security_event

TITLES = {
    400: "That request could not be understood",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed here",
    409: "Conflict",
    413: "That was too large",
    429: "Too many attempts",
    500: "Something went wrong on our side",
}

MESSAGES = {
    400: "The request was incomplete or malformed. Nothing was changed.",
    404: "There is nothing at this address, or it is not yours to see.",
    405: "This address does not accept that kind of request.",
    413: "The request was larger than this server accepts (1 MiB). Nothing was saved; "
         "if you were saving an entry, your text is still in the browser's draft.",
    500: "The error has been logged. Your last change may not have been saved; "
         "try again in a moment.",
}


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)


def render_error(status: int, message: str | None = None):
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=TITLES.get(status, "Error"),
            message=message or MESSAGES.get(status, ""),
        ),
        status,
    )


def handle_http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    default = type(error).description
    message = error.description if error.description != default else None
    response = render_error(error.code, message)
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        return response[0], 405, {"Allow": ", ".join(error.valid_methods)}
    return response


def handle_csrf_error(error: CSRFError):
    """A form without a valid token changes nothing: the refusal is logged and the page
    says so (400). A feature that can keep the typed text registers its own handler on
    its blueprint (entry forms do, in :mod:`journal.entries.carry`)."""
    log_csrf_failure(error)
    return render_error(
        400,
        "This form had expired or did not come from this site, so nothing was changed. "
        "Go back, reload the page and try again.",
    )


def log_csrf_failure(error: CSRFError) -> None:
    security_event("csrf_failure", endpoint=request.endpoint or "-", reason=error.description)


def handle_unexpected_error(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001
        current_app.logger.exception("Rollback after an error failed")
    return render_error(500)
