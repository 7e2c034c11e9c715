"""Our own JSON document, version 1: everything one person wrote, without loss.

docs/export-format.md describes it field by field. The header parts (settings, hidden
prompts, own prompts, tags) are small and written first; the entries follow one
``json.dumps`` at a time, so the document streams in constant memory.
"""

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from journal.exports.batches import EntryReader, EntryRecord, ExportOwner, hidden_prompt_keys
from journal.exports.writing import chunked, iso_utc
from journal.models import NOTE, REFRAME
from journal.transfer.document import DOCUMENT_FORMAT, DOCUMENT_VERSION


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def prompt_ref(prompt_id: int) -> str:
    """How entries in one file point at one of the owner's own prompts."""
    return f"p{prompt_id}"


def entry_object(record: EntryRecord) -> dict[str, Any]:
    """One element of ``entries``; an entry that did not open is a placeholder with
    ``"unreadable": "locked"`` or ``"damaged"``."""
    prompt = None
    if record.prompt_text is not None:
        prompt = {"text": record.prompt_text, "key": record.prompt_key,
                  "own": prompt_ref(record.own_prompt_id) if record.own_prompt_id else None}
    shown = {
        "id": record.id,
        "created_at": iso_utc(record.created_at),
        "updated_at": iso_utc(record.updated_at),
        "title": record.title,
        "body": record.body,
        "tags": [name for name, _ in record.tags],
        "starred": record.starred,
        "kind": REFRAME if record.reframe is not None else NOTE,
        "win": _win(record),
        "prompt": prompt,
        "reframe": dict(record.reframe) if record.reframe is not None else None,
    }
    if record.unreadable:
        shown["unreadable"] = record.unreadable
    return shown


def _array(items: Iterable[Any], indent: str = "    ") -> Iterator[str]:
    """A JSON array, one element a line."""
    first = True
    for item in items:
        yield ("[\n" if first else ",\n") + indent + _dumps(item)
        first = False
    yield "[]" if first else "\n  ]"


def document_text(owner: ExportOwner, reader: EntryReader,
                  now: datetime | None = None) -> Iterator[str]:
    """The document as a sequence of strings; ``reader`` is consumed as it goes. When
    some rows did not open, ``unreadable`` follows the entries with how many of each
    kind (placeholder entries; tags and own prompts left out)."""
    header = {
        "format": DOCUMENT_FORMAT,
        "version": DOCUMENT_VERSION,
        "exported_at": iso_utc(now or datetime.now(UTC)),
        "settings": {"timezone": owner.timezone},
        "hidden_prompts": hidden_prompt_keys(owner.id),
    }
    yield "{\n"
    for key, value in header.items():
        yield f"  {_dumps(key)}: {_dumps(value)},\n"

    prompts = ({"ref": prompt_ref(row.id), "text": row.text, "theme": row.theme,
                "why": row.why, "created_at": iso_utc(row.created_at),
                "updated_at": iso_utc(row.updated_at), "archived_at": iso_utc(row.retired_at)}
               for row in reader.own_prompts())
    yield '  "prompts": '
    yield from _array(prompts)
    yield ',\n  "tags": '
    yield from _array({"name": row.name, "display_name": row.display_name,
                       "created_at": iso_utc(row.created_at)} for row in reader.tags())
    yield ',\n  "entries": '
    yield from _array(entry_object(record) for record in reader)
    if reader.unopened.any:
        yield f',\n  "unreadable": {_dumps(reader.unopened.as_dict())}'
    yield "\n}\n"


def json_document(owner: ExportOwner, reader: EntryReader) -> Iterator[bytes]:
    """The document as UTF-8 byte chunks, for a response body or a file."""
    return chunked(document_text(owner, reader))


def _win(record) -> dict | None:
    """A win and the person's part in it; an entry whose win mark was taken off keeps
    the part it had, with ``"marked": false``, so ticking it again loses nothing."""
    if record.is_win:
        return {"part": record.win_part}
    if record.win_part:
        return {"part": record.win_part, "marked": False}
    return None
