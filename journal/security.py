"""Per-request protections: security headers on every response (HSTS too when the site
is served over HTTPS), and refusal of form bodies that are not valid UTF-8 (they would
otherwise be decoded with replacement characters and could be saved as mangled or empty
text)."""

from urllib.parse import unquote_to_bytes

from flask import Flask, abort, current_app, request
from flask_login import current_user
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)


def init_app(app: Flask) -> None:
    app.before_request(refuse_invalid_utf8_forms)
    app.after_request(set_security_headers)


def refuse_invalid_utf8_forms() -> None:
    """Abort 400 when a form's text fields do not decode as UTF-8 (URL-encoded forms,
    and the text fields of multipart forms; uploaded files are checked by their reader)."""
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    if request.mimetype not in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        return
    length = request.content_length
    if length is not None and length > (request.max_content_length or length):
        return  # reading the form raises 413 later
    raw = request.get_data(cache=True, parse_form_data=False)
    try:
        if request.mimetype == "multipart/form-data":
            _check_multipart_fields(raw, request.mimetype_params.get("boundary", ""))
        else:
            for pair in raw.split(b"&"):
                for part in pair.split(b"=", 1):
                    unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        abort(400, description="The form arrived with text that is not valid UTF-8. "
                               "Nothing was saved; please try again.")


def _check_multipart_fields(raw: bytes, boundary: str) -> None:
    """Raises ``UnicodeDecodeError`` for a text field that is not UTF-8. A malformed body
    is left for the form parser to refuse."""
    if not boundary:
        return
    decoder = MultipartDecoder(boundary.encode("latin-1"))
    try:
        decoder.receive_data(raw)
        decoder.receive_data(None)
        in_field, chunks = False, []
        while True:
            event = decoder.next_event()
            if isinstance(event, NeedData | Epilogue):
                return
            if isinstance(event, Field):
                in_field, chunks = True, []
            elif isinstance(event, File):
                in_field = False
            elif isinstance(event, Data) and in_field:
                chunks.append(event.data)
                if not event.more_data:
                    b"".join(chunks).decode("utf-8")
    except ValueError as error:
        if isinstance(error, UnicodeDecodeError):
            raise
        return


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config["SESSION_COOKIE_SECURE"]:  # JOURNAL_SECURE_COOKIES: served over HTTPS
        max_age = int(current_app.config["HSTS_MAX_AGE"])
        headers.setdefault("Strict-Transport-Security", f"max-age={max_age}; includeSubDomains")
    if _is_logged_in() and not response.cache_control.immutable:  # a versioned asset
        headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    return response


def _is_logged_in() -> bool:
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # noqa: BLE001 - never let a header hook turn a page into a 500
        return False
