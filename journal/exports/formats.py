"""The export formats by name, and the file name each download gets."""

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from journal.exports.batches import EntryReader, ExportOwner
from journal.exports.jrnl_json import jrnl_document
from journal.exports.json_document import json_document
from journal.exports.markdown_zip import markdown_zip

Writer = Callable[[ExportOwner, EntryReader], Iterator[bytes]]


@dataclass(frozen=True)
class ExportFormat:
    key: str  # as in the URL and the command line
    label: str
    suffix: str  # after the date in the file name, extension included
    mimetype: str
    write: Writer


FORMATS: dict[str, ExportFormat] = {
    "json": ExportFormat("json", "JSON", ".json", "application/json", json_document),
    "markdown": ExportFormat("markdown", "Markdown (zip)", "-markdown.zip", "application/zip",
                             markdown_zip),
    "jrnl": ExportFormat("jrnl", "jrnl JSON", "-jrnl.json", "application/json", jrnl_document),
}


def safe_username(username: str) -> str:
    """``username`` reduced to ASCII letters, digits, ``.``, ``-`` and ``_`` for a file
    name (never empty, never starting with a dot)."""
    ascii_name = unicodedata.normalize("NFKD", username).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip(".-")
    return cleaned[:64] or "account"


def file_name(export_format: ExportFormat, username: str, day: date) -> str:
    """``journal-ana-2026-11-26.json``, ``journal-ana-2026-11-26-markdown.zip`` ..."""
    return f"journal-{safe_username(username)}-{day.isoformat()}{export_format.suffix}"
