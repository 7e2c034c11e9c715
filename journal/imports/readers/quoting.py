"""How a message quotes what a file holds: a value's kind ("a list"), a short quotation
of it, and how an entry is pointed at. A value read from a file may be huge, so only as
much of it as a message shows is ever turned into text."""

from __future__ import annotations

import json
from datetime import date, time
from typing import Any

from journal.imports.readers.listed import is_list


def kind_of(value: Any) -> str:
    """How a JSON value's type reads in a sentence."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if is_list(value):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def shown(value: Any, limit: int = 40) -> str:
    """A short quotation of ``value`` for a message, at most ``limit`` characters.

    Only as much of ``value`` is turned into text as the quotation shows: a value read
    from a file may be huge (a list of a million items, a number of a million digits),
    and writing it out whole to cut it afterwards would cost seconds and gigabytes."""
    if isinstance(value, str):
        text = value[:limit + 1]
    elif isinstance(value, date | time):
        text = str(value)
    else:
        text = _bounded_json(value, limit + 1)
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _bounded_json(value: Any, limit: int) -> str:
    """The first ``limit`` or so characters of ``value`` written as JSON."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return "a number with too many digits to show"
    chunks: list[str] = []
    size = 0
    try:
        for chunk in json.JSONEncoder(default=_as_text).iterencode(value):
            chunks.append(chunk[:limit])
            size += len(chunks[-1])
            if size >= limit:
                break
    except (ValueError, RecursionError):
        return kind_of(value)
    return "".join(chunks)[:limit]


def _as_text(value: Any) -> str:
    """How :func:`shown` writes a value JSON has no form for (a date from YAML)."""
    return str(value) if isinstance(value, date | time) else type(value).__name__


def where_from(value: Any) -> str | None:
    """How a message points at an entry: its date or time as the file wrote it."""
    if isinstance(value, str) and value.strip():
        return shown(value.strip(), 32)
    return None
