"""Pieces the three export writers share: timestamps, a reframe as text, and turning
many small strings into few large byte chunks."""

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from journal.exports.batches import EntryRecord
from journal.transfer.markdown_layout import REFRAME_BODY_HEADING, REFRAME_HEADINGS

CHUNK_SIZE = 64 * 1024


def iso_utc(moment: datetime | None) -> str | None:
    """``2024-01-05T13:30:00.000000Z``: UTC, six fractional digits, a trailing ``Z``."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def reframe_text(reframe: dict[str, Any], body: str) -> str:
    """A reframe as Markdown: its guided fields that have text, each under its level-two
    heading in the documented order, then the free text under "Anything else"."""
    sections = [f"## {heading}\n\n{reframe[name].strip()}\n"
                for name, heading in REFRAME_HEADINGS.items() if (reframe[name] or "").strip()]
    if body.strip():
        sections.append(f"## {REFRAME_BODY_HEADING}\n\n{body.strip()}\n")
    return "\n".join(sections)


def entry_text(record: EntryRecord) -> str:
    """What the user wrote: a note's body, or a reframe's sections then its free text."""
    if record.reframe is None:
        return record.body
    return reframe_text(record.reframe, record.body)


def chunked(pieces: Iterable[str], size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """The UTF-8 bytes of ``pieces`` joined, in chunks of about ``size`` bytes, so a
    response is sent in a few hundred writes rather than one per entry."""
    buffer: list[bytes] = []
    length = 0
    for piece in pieces:
        data = piece.encode("utf-8")
        buffer.append(data)
        length += len(data)
        if length >= size:
            yield b"".join(buffer)
            buffer.clear()
            length = 0
    if buffer:
        yield b"".join(buffer)
