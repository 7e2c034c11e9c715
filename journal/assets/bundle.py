"""Content digests of the static files, and the stylesheet joined from its parts.

A digest is computed once per process. With the debug server (files may change while
it runs) the files' modification times are checked on each use, so an edit shows on
the next reload.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

STYLESHEET = "css/app.css"  # the name templates ask for; the parts live beside it
FOREVER = 365 * 24 * 3600


@dataclass(frozen=True)
class Stylesheet:
    text: bytes
    digest: str
    stamp: tuple[float, ...]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


class Assets:
    """The digests of one app's static folder."""

    def __init__(self, app: Flask):
        self.folder = Path(app.static_folder or "static")
        self.watch = app.debug
        self._stylesheet: Stylesheet | None = None
        self._digests: dict[str, tuple[float, str]] = {}

    def parts(self) -> list[Path]:
        """The stylesheet's parts in cascade order (the order of their file names)."""
        return sorted((self.folder / "css").glob("[0-9][0-9]-*.css"))

    def stylesheet(self) -> Stylesheet:
        """The parts joined into one stylesheet, with its digest."""
        current = self._stylesheet
        if current is not None and not self.watch:
            return current
        parts = self.parts()
        stamp = tuple(part.stat().st_mtime for part in parts)
        if current is None or current.stamp != stamp:
            text = b"\n".join(part.read_bytes() for part in parts)
            current = self._stylesheet = Stylesheet(text, _digest(text), stamp)
        return current

    def digest(self, filename: str) -> str | None:
        """The digest of ``static/<filename>``, or ``None`` when there is no such file."""
        path = self.folder / filename
        known = self._digests.get(filename)
        if known is not None and not self.watch:
            return known[1]
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return None
        if known is None or known[0] != mtime:
            known = self._digests[filename] = (mtime, _digest(path.read_bytes()))
        return known[1]
