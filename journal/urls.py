"""Checks for URLs that come from users."""

from urllib.parse import urlsplit


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
