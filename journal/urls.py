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


MAX_ID = 2**63 - 1  # the largest id a 64-bit integer column holds


class IdConverter(BaseConverter):
    """``<id:entry_id>``: a row id from 1 to 2**63 - 1 in plain digits. Anything else
    (0, a sign, leading zeros, a number no column can hold) matches no page, so it
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
