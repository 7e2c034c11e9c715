"""Error pages, in the site's layout, for every error a user can reach.

An error handler never raises: every handler the app and its blueprints register is
wrapped by :func:`never_raises`, which answers a minimal page of the same status when
the handler itself fails (a database that is down, a template that breaks)."""

import functools
from collections.abc import Callable

from flask import Flask, Response, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from journal.crypto.rows import DAMAGED, LOCKED, Unreadable
from journal.extensions import db
from journal.requestlog import escape as one_line
from journal.requestlog import logged_path, security_event

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


MINIMAL_PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                "<title>{title}</title></head><body><main><h1>{title}</h1><p>{message}</p>"
                '<p><a href="/">Go to the start page</a></p></main></body></html>')


def init_app(app: Flask) -> None:
    """Register the app's handlers, then guard every handler registered so far (the
    blueprints' too: they are registered before this runs)."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(Unreadable, handle_unreadable_row)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
    for scope in app.error_handler_spec.values():
        for handlers in scope.values():
            for kind, handler in handlers.items():
                handlers[kind] = never_raises(handler)


def never_raises(handler: Callable) -> Callable:
    """``handler``, answering :func:`minimal_page` with the error's status (500 for an
    unexpected one) when it raises; the failure is logged and the session rolled back."""
    if getattr(handler, "never_raises", False):
        return handler

    @functools.wraps(handler)
    def guarded(error: Exception):
        try:
            return handler(error)
        except Exception:  # noqa: BLE001 - the last line of defence must answer
            status = error.code if isinstance(error, HTTPException) and error.code \
                and error.code >= 400 else 500
            try:
                current_app.logger.exception("The error handler for %s failed", status)
                db.session.rollback()
            except Exception:  # noqa: BLE001, S110 - nothing more can be done
                pass
            return minimal_page(status)

    guarded.never_raises = True
    return guarded


def minimal_page(status: int) -> Response:
    """A page needing nothing that can fail: no template, no database, no session."""
    page = MINIMAL_PAGE.format(title=escape(TITLES.get(status, "Error")),
                               message=escape(MESSAGES.get(status, "")))
    return Response(page, status=status, content_type="text/html; charset=utf-8")


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


UNREADABLE_MESSAGES = {
    LOCKED: "This was written before your password was reset, so it is locked: nothing was "
            "changed. Enter your recovery key on the “Unlock your journal” page of your "
            "account to open it, or delete it.",
    DAMAGED: "What is stored for this no longer opens: it was changed or cut short outside "
             "the journal, so nothing was changed. You can delete it; the rest of your "
             "journal is unaffected.",
}


def handle_unreadable_row(error: Unreadable):
    """A change to something sealed that this session cannot open (locked or damaged)
    writes nothing: 409, with what to do."""
    db.session.rollback()
    return render_error(409, UNREADABLE_MESSAGES.get(error.reason))


def log_csrf_failure(error: CSRFError) -> None:
    security_event("csrf_failure", endpoint=request.endpoint or "-", reason=error.description)


def handle_unexpected_error(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    current_app.logger.exception("Unhandled error on %s %s", request.method,
                                 one_line(logged_path()))
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001
        current_app.logger.exception("Rollback after an error failed")
    return render_error(500)
