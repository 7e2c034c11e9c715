"""What the journal writes to its log: one line per request, and security events.

Every request gets one ``INFO`` line on the ``journal.request`` logger::

    GET /entries/42 200 3.1ms request_id=9f2c4e1ab0d35c77 user=7 addr=203.0.113.9

The route is logged, not the path: ``/tags/<name>`` for any tag and ``/auth/reset/<token>``
for any link, so neither a tag's name nor a secret reaches the log (ids stay, as above);
nor does the query string (``/search?q=`` holds the words someone searched for).
Passwords, cookies, form bodies and entry text are never logged. The request id is taken
from an incoming ``X-Request-ID`` header when it looks like one (so a reverse proxy's id
ties its log to ours), else made up, and is sent back in the ``X-Request-ID`` response
header.

Security events are ``WARNING`` lines on the ``journal.security`` logger, written with
:func:`security_event`: failed sign-ins (called by the sign-in view), throttled sign-ins
(429), forms refused for a missing or wrong CSRF token, and 404s on another user's entry
or prompt id.

Anything a visitor typed (a username, the path, the user agent) is escaped: control
characters such as ``\\r`` and ``\\n`` become ``\\xNN``, so one request can never write
what looks like a second log line.
"""

import logging
import re
import secrets
import sys
import time

from flask import Flask, Response, has_request_context, request, request_started
from flask.logging import default_handler
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from journal.extensions import db
from journal.models import Entry, Prompt

request_log = logging.getLogger("journal.request")
security_log = logging.getLogger("journal.security")

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

# View arguments that name a row of someone's: a 404 on one that exists is a probe.
OWNED_ID_ARGUMENTS = {"entry_id": Entry, "prompt_id": Prompt}
THROTTLED = 429

_STARTED = "journal.started"
_REQUEST_ID = "journal.request_id"


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a line is logged (test runners swap it)."""

    def __init__(self):
        super().__init__()
        self.setFormatter(logging.Formatter(LOG_FORMAT))

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


_handler = _StderrHandler()


def init_app(app: Flask) -> None:
    _configure_logging()
    # The signal comes before every before_request hook (CSRF's included), so the time
    # counts the whole request even when a hook refuses it.
    request_started.connect(_start_clock, app)
    app.after_request(log_request)


def _configure_logging() -> None:
    """Lines at INFO and above from ``journal.*`` go to standard error, unless the host
    (gunicorn's ``--log-config``, a test runner, ``logging.basicConfig``) already set up
    handlers for them. Done once per process however many apps are created."""
    logger = logging.getLogger("journal")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    if _handler in logger.handlers or _configured_elsewhere(logger):
        return
    logger.removeHandler(default_handler)  # Flask's; ours has the same destination
    logger.addHandler(_handler)


def _configured_elsewhere(logger: logging.Logger) -> bool:
    current: logging.Logger | None = logger
    while current is not None:
        if any(handler is not default_handler for handler in current.handlers):
            return True
        if not current.propagate:
            return False
        current = current.parent
    return False


def _start_clock(sender: Flask, **extra) -> None:
    request.environ[_STARTED] = time.perf_counter()


def request_id() -> str:
    """This request's id: the client's ``X-Request-ID`` when it is 1 to 64 letters,
    digits, dots, dashes or underscores, else a new random one."""
    environ = request.environ
    if _REQUEST_ID not in environ:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        if REQUEST_ID_PATTERN.fullmatch(incoming):
            environ[_REQUEST_ID] = incoming
        else:
            environ[_REQUEST_ID] = secrets.token_hex(8)
    return environ[_REQUEST_ID]


def log_request(response: Response) -> Response:
    rid = request_id()
    response.headers[REQUEST_ID_HEADER] = rid
    started = request.environ.get(_STARTED)
    duration = f"{(time.perf_counter() - started) * 1000:.1f}ms" if started else "-"
    request_log.info(
        "%s %s %s %s %s",
        escape(request.method),
        _quoted(logged_path()),
        response.status_code,
        duration,
        _fields(request_id=rid, user=_user_id(), addr=request.remote_addr or "-"),
    )
    if response.status_code == THROTTLED:
        _log_throttled()
    elif response.status_code == 404:
        _log_foreign_id()
    return response


_RULE_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?(\w+)>")


def logged_path() -> str:
    """The request's route, not its path: numbers in it (an entry's id) are kept, every
    other argument (a tag's name, a link's token) stays a placeholder such as ``<name>``.
    A path no route matched is logged as it came."""
    rule, arguments = request.url_rule, request.view_args or {}
    if rule is None:
        return request.path

    def argument(match: re.Match) -> str:
        value = arguments.get(match.group(1))
        return str(value) if isinstance(value, int) else f"<{match.group(1)}>"

    return _RULE_ARGUMENT.sub(argument, rule.rule)


def security_event(kind: str, **fields) -> None:
    """Log a security event on ``journal.security`` at WARNING, for example
    ``security_event("failed_login", username=username)``. Inside a request, the request
    id, the signed-in user's id and the client's address are added. Values are escaped;
    never pass a password, a cookie or entry text."""
    if has_request_context():
        fields.setdefault("request_id", request_id())
        fields.setdefault("user", _user_id())
        fields.setdefault("addr", request.remote_addr or "-")
    security_log.warning("%s %s", escape(kind), _fields(**fields),
                         extra={"security_event": kind})


def _log_throttled() -> None:
    fields = {"endpoint": request.endpoint or "-"}
    if request.endpoint == "auth.login":
        fields["username"] = request.form.get("username", "")[:64]
    security_event("throttled", **fields)


def _log_foreign_id() -> None:
    """A 404 on an entry or prompt id that exists and belongs to someone else. One query
    for the owner's id, only for 404s on those pages; the row itself is never loaded."""
    for argument, model in OWNED_ID_ARGUMENTS.items():
        ident = (request.view_args or {}).get(argument)
        if not isinstance(ident, int):
            continue
        try:
            owner_id = db.session.scalar(select(model.owner_id).where(model.id == ident))
        except SQLAlchemyError:
            db.session.rollback()
            return
        viewer = _user_id()
        if owner_id is not None and str(owner_id) != viewer:
            security_event("foreign_id", endpoint=request.endpoint or "-", **{argument: ident})
        return


def _user_id() -> str:
    try:
        if current_user and current_user.is_authenticated:
            return str(current_user.id)
    except Exception:  # noqa: BLE001 - logging must never turn an answer into a 500
        return "-"
    return "-"


# --- escaping ---------------------------------------------------------------------------

_NEEDS_ESCAPE = re.compile(r"[\x00-\x1f\x7f-\x9f\\\u2028\u2029]")


def escape(value) -> str:
    """``value`` as text on one line: backslashes doubled, control characters (``\\n``,
    ``\\r``, ``\\x1b``...) and Unicode line separators written as ``\\xNN`` or ``\\uNNNN``."""
    return _NEEDS_ESCAPE.sub(_escape_character, str(value))


def _escape_character(match: re.Match) -> str:
    character = match.group()
    if character == "\\":
        return "\\\\"
    code = ord(character)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _quoted(value) -> str:
    """Escaped, and in double quotes when it holds a space, a quote or ``=`` (or is
    empty), so that every field stays one word of the line."""
    text = escape(value)
    if text and not any(character in text for character in ' "='):
        return text
    return '"' + text.replace('"', '\\"') + '"'


def _fields(**fields) -> str:
    return " ".join(f"{key}={_quoted(value)}" for key, value in fields.items())
