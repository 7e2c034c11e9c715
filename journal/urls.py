"""Checks for URLs that come from users."""

from urllib.parse import urlsplit

from werkzeug.routing import BaseConverter, ValidationError


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site (``/entries/3?x=1``), else ``None``.

    Refuses anything a browser could read as another site or a script:
    ``//evil.example``, ``/\\evil.example``, ``https:evil.example``, ``javascript:``.
    """
    if not target or len(target) > 2000:
        return None
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


# The largest id an id column holds on every database the journal runs on: ids are
# ``Integer`` columns, 32 bits on PostgreSQL (SQLite's would hold 64).
MAX_ID = 2**31 - 1


class IdConverter(BaseConverter):
    """``<id:entry_id>``: a row id from 1 to :data:`MAX_ID` in plain digits. Anything
    else (0, a sign, leading zeros, a number no id column holds) matches no page, so it
    answers 404 before any query runs."""

    regex = r"[1-9][0-9]{0,18}"
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValidationError()
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))


def parse_id(text: object) -> int | None:
    """The row id ``text`` names (plain digits, 1 to :data:`MAX_ID`), else ``None``: for
    ids that come in a query string or a form rather than the path."""
    if not isinstance(text, str) or not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None
