"""Reading import files: bytes in, a :class:`ParsedJournal` out, or an ImportProblem.

:func:`read_journal` is the one entry point. It detects the format (or checks the one
the person chose against what the file looks like), then hands the file to its reader:
this journal's JSON (:mod:`.ours`), jrnl JSON (:mod:`.jrnl`), Day One (:mod:`.dayone`)
or a zip of Markdown files (:mod:`.markdown`). Readers validate the whole file before
returning anything and never touch the database; zips are read by :mod:`.archive`.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from journal.imports.readers import dayone, jrnl, markdown, ours
from journal.imports.readers.archive import (
    DEFAULT_LIMITS,
    ZipLimits,
    list_names,
    looks_like_zip,
)
from journal.imports.readers.common import decode_text
from journal.imports.readers.jsonstream import load_json
from journal.imports.readers.quoting import shown
from journal.transfer.document import DOCUMENT_FORMAT, FORMATS, ImportProblem, ParsedJournal

__all__ = ["ZipLimits", "detect_format", "read_journal"]

# How a message names each format: what a file looks like, and the choice to make.
LOOKS_LIKE = {
    "journal": ("an export from this journal", "this journal's JSON"),
    "jrnl": ("a jrnl JSON export", "jrnl JSON"),
    "dayone": ("a Day One export", "Day One"),
    "markdown": ("a zip of Markdown files", "Markdown zip"),
}

FORMATS_READ = ("It reads this journal's JSON export, jrnl JSON, a Day One export (the .zip "
                "or the .json inside it) and zips of Markdown files.")


@dataclass
class _Sniffed:
    format: str | None  # None: nothing fits, ``why`` says so
    why: str = ""
    document: Any = None  # the parsed JSON, when the file is JSON
    is_zip: bool = False


def detect_format(data: bytes, filename: str, *,
                  limits: ZipLimits = DEFAULT_LIMITS) -> str:
    """The key of :data:`FORMATS` that ``data`` is written in. Raises ImportProblem
    when the file is empty, unsafe or unreadable, or fits none of them."""
    sniffed = _sniff(data, filename, limits)
    if sniffed.format is None:
        raise ImportProblem(sniffed.why)
    return sniffed.format


def read_journal(data: bytes, *, filename: str, format: str | None, zone: ZoneInfo,
                 limits: ZipLimits = DEFAULT_LIMITS) -> ParsedJournal:
    """Everything in the file, read as ``format`` (a key of :data:`FORMATS`; None
    detects it). ``zone`` is where local times without an offset were written (jrnl,
    Markdown); ``limits`` bound what a zip may unpack to.

    Raises ImportProblem, with a message for the person who chose the file, when the
    file is empty, unsafe, malformed, or clearly in another format than ``format``.
    Nothing is returned unless the whole file is valid."""
    if format is not None and format not in FORMATS:
        raise ImportProblem(f"The journal does not know the format '{format}'. "
                            + FORMATS_READ)
    sniffed = _sniff(data, filename, limits)
    if format is None:
        if sniffed.format is None:
            raise ImportProblem(sniffed.why)
        format = sniffed.format
    elif sniffed.format is not None and sniffed.format != format:
        looks, choice = LOOKS_LIKE[sniffed.format]
        raise ImportProblem(f"This file looks like {looks}; choose {choice} as the format, "
                            "or let the journal recognise it.")

    if format == "journal":
        return ours.read_document(_json(sniffed, data))
    if format == "jrnl":
        return jrnl.read_document(_json(sniffed, data), zone)
    if format == "dayone":
        if sniffed.is_zip:
            return dayone.read_zip(data, limits=limits)
        return dayone.read_documents([(None, _json(sniffed, data))])
    if sniffed.is_zip:
        return markdown.read_zip(data, zone, limits=limits)
    if _is_markdown_name(filename):
        return markdown.read_files([(_base_name(filename), data)], zone)
    raise ImportProblem("A Markdown import is a .zip of .md files; this file is not a zip.")


def _json(sniffed: _Sniffed, data: bytes) -> Any:
    """The parsed JSON of a file that should be JSON, with a clear message when the
    file is a zip or plain text instead."""
    if sniffed.is_zip:
        raise ImportProblem("This file is a zip archive; this format is a single JSON file.")
    if sniffed.document is None:
        return load_json(data)  # raises with the line and column
    return sniffed.document


def _sniff(data: bytes, filename: str, limits: ZipLimits) -> _Sniffed:
    """What the file looks like. Raises ImportProblem only for files no format could
    read: empty, unsafe or damaged zips, text that is not UTF-8, broken JSON."""
    if not data:
        raise ImportProblem("The file is empty.")
    if looks_like_zip(data) or filename.lower().endswith(".zip"):
        return _sniff_zip(data, limits)
    start = data[:4096].removeprefix(codecs.BOM_UTF8).lstrip()
    if start[:1] in (b"{", b"["):
        return _sniff_json(load_json(data))
    if len(start) < 4096:
        text = decode_text(data)  # a short file: check it all
        if not text.strip():
            raise ImportProblem("The file is empty.")
    if _is_markdown_name(filename):
        return _Sniffed("markdown")
    return _Sniffed(None, "The journal cannot tell what kind of file this is: it is neither "
                          "JSON nor a zip. " + FORMATS_READ)


def _sniff_json(document: Any) -> _Sniffed:
    if isinstance(document, dict) and "format" in document:
        if document["format"] == DOCUMENT_FORMAT:
            return _Sniffed("journal", document=document)
        return _Sniffed(None, "This JSON file is an export of a kind the journal does not "
                              f"know (format '{shown(document['format'])}'). "
                              + FORMATS_READ, document=document)
    if dayone.looks_like(document):
        return _Sniffed("dayone", document=document)
    if jrnl.looks_like(document):
        return _Sniffed("jrnl", document=document)
    return _Sniffed(None, "This JSON file is not in a shape the journal knows: an export "
                          "is an object with a list of \"entries\". " + FORMATS_READ,
                    document=document)


def _sniff_zip(data: bytes, limits: ZipLimits) -> _Sniffed:
    names = list_names(data, limits=limits)
    has_journal = any(dayone.is_journal_member(name) for name in names)
    has_markdown = any(markdown.is_markdown_member(name) for name in names)
    if has_journal and not has_markdown:
        return _Sniffed("dayone", is_zip=True)
    if has_markdown and not has_journal:
        return _Sniffed("markdown", is_zip=True)
    if has_markdown:
        why = ("This zip holds both Markdown files and a .json file; choose the format it "
               "is in.")
    else:
        why = ("This zip holds neither Markdown files (.md, .markdown, .txt) nor a Day One "
               "journal (.json). " + FORMATS_READ)
    return _Sniffed(None, why, is_zip=True)


def _is_markdown_name(filename: str) -> bool:
    return filename.lower().endswith(markdown.EXTENSIONS)


def _base_name(filename: str) -> str:
    return filename.replace("\\", "/").rsplit("/", 1)[-1] or "entry.md"
