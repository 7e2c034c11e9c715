"""Reading a JSON file of any size the upload allows without building it whole.

``json.loads`` turns every value of a file into a Python object: a 64 MB file of short
values (a million tag records, a million entries without text) grows a process by
0.5 to 0.8 GB. :func:`load_json` instead walks the file once with a streaming parser,
counting, and builds only the small parts: the top-level object's values, and the
first item of each of its long lists (:data:`LISTED`). Those lists come back as
:class:`Listed`, which parses the file again when iterated and yields one item at a
time, so a reader holds one item of the file plus what it has made of the others.

The walk refuses, before anything is built, a file whose lists hold more items than
:data:`MAX_ITEMS` allows, an item with more than :data:`MAX_ITEM_VALUES` values (an
entry with a million tags), more than :data:`MAX_HEAD_VALUES` values outside the
lists, or nesting deeper than :data:`MAX_DEPTH`.
"""

from __future__ import annotations

import codecs
import json
from typing import Any

import ijson

from journal.imports.readers.common import decode_text
from journal.imports.readers.listed import Listed
from journal.transfer.document import ImportProblem

# The top-level lists read item by item, and how many items each may hold.
LISTED = ("entries", "tags", "prompts", "hidden_prompts")
MAX_ENTRIES = 200_000
MAX_ITEMS = {"entries": MAX_ENTRIES, "tags": 20_000, "prompts": 10_000,
             "hidden_prompts": 10_000}
# How a message names one item of each list.
ITEM_NOUNS = {"entries": ("entries", "Entry"), "tags": ("tags", "Tag"),
              "prompts": ("prompts", "Prompt"), "hidden_prompts": ("hidden prompts",
                                                                   "Hidden prompt")}
MAX_ITEM_VALUES = 10_000
MAX_HEAD_VALUES = 10_000
MAX_DEPTH = 32
# Files up to this size that are not valid JSON are read again with ``json`` for its
# exact line and column; larger ones are placed by the line the parser had reached.
EXACT_ERRORS_UP_TO = 4 * 1024 * 1024
_BUFFER = 64 * 1024

_OPEN = {"start_map": dict, "start_array": list}
_CLOSE = frozenset({"end_map", "end_array"})


def too_many_entries() -> ImportProblem:
    return ImportProblem(f"The file holds more than {MAX_ENTRIES:,} entries; the journal "
                         "reads at most that many from one file. Split it (by year, say) "
                         "and import the parts one after another.")


def load_json(data: bytes) -> Any:
    """The JSON value in ``data`` (UTF-8, a byte order mark allowed), with the
    top-level object's :data:`LISTED` lists as :class:`Listed`. Raises ImportProblem
    for text that is not UTF-8 or holds a NUL, for JSON with a mistake (with its line
    and column), and for a file past the limits in the module's notes."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    _check_text(data)
    stream = _Counting(data)
    walk = _Walk(data)
    try:
        for event, value in ijson.basic_parse(stream, use_float=True, buf_size=_BUFFER):
            walk.event(event, value)
    except ImportProblem:
        raise
    except ijson.JSONError:
        raise _syntax_problem(data, stream.position) from None
    except (ValueError, OverflowError):  # a number too long to read
        raise _syntax_problem(data, stream.position) from None
    if not walk.done:
        raise _syntax_problem(data, stream.position)
    return walk.result


def _check_text(data: bytes) -> None:
    """Raises ImportProblem, naming the line, for bytes that are not UTF-8 or hold a
    NUL. The text is checked a piece at a time and never kept."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    for start in range(0, len(data), 1024 * 1024):
        try:
            decoder.decode(data[start:start + 1024 * 1024])
        except UnicodeDecodeError:
            _text_problem(data)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        _text_problem(data)
    if b"\x00" in data:
        _text_problem(data)


def _text_problem(data: bytes) -> None:
    decode_text(data)  # raises, saying what is wrong and on which line
    raise AssertionError("decode_text accepted text the check refused")


def _syntax_problem(data: bytes, position: int) -> ImportProblem:
    if len(data) <= EXACT_ERRORS_UP_TO:
        try:
            json.loads(data, parse_constant=_refuse_constant)
        except json.JSONDecodeError as error:
            reason = error.msg[:1].lower() + error.msg[1:]
            return ImportProblem(f"The file is not valid JSON: {reason} at line "
                                 f"{error.lineno}, column {error.colno}.")
        except RecursionError:
            return ImportProblem("The file is not valid JSON for an import: its lists and "
                                 "objects are nested too deeply.")
        except ValueError as error:
            return ImportProblem(f"The file is not valid JSON: {str(error)[:80]}.")
    line = data.count(b"\n", 0, position) + 1
    if len(data) <= EXACT_ERRORS_UP_TO:  # valid for json, too large for the parser
        return ImportProblem(f"The file holds a number too large to read (line {line:,}).")
    return ImportProblem(f"The file is not valid JSON, or holds a number too large to "
                         f"read: there is a mistake near line {line:,}.")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


class _Counting:
    """``data`` as a stream that knows how far the parser has read."""

    def __init__(self, data: bytes):
        self._view = memoryview(data)
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._view) if size < 0 else self.position + size
        chunk = self._view[self.position:end].tobytes()
        self.position += len(chunk)
        return chunk


class _Walk:
    """Builds the file's value from parser events, within the limits."""

    def __init__(self, data: bytes):
        self.data = data
        self.stack: list[list] = []  # [container, pending key] from the top down
        self.result: Any = None
        self.done = False
        self.head_values = 0
        # while inside a listed list: its key, items so far, the current item's values
        # and depth, and a list that receives the first item
        self.listing: str | None = None
        self.items = 0
        self.item_values = 0
        self.depth = 0
        self.first: list = []

    def event(self, event: str, value: Any) -> None:
        if self.done:
            raise ImportProblem("The file is not valid JSON: it holds more than one value.")
        if self.listing is not None:
            self._listed_event(event, value)
            return
        if event == "map_key":
            self.stack[-1][1] = value
            return
        if event in _CLOSE:
            self._close()
            return
        self.head_values += 1
        if self.head_values > MAX_HEAD_VALUES:
            raise ImportProblem(f"The file holds more than {MAX_HEAD_VALUES:,} values outside "
                                "its lists of entries, tags and prompts; the journal refuses "
                                "it.")
        if (event == "start_array" and len(self.stack) == 1
                and isinstance(self.stack[0][0], dict) and self.stack[0][1] in LISTED):
            self._start_listing(self.stack[0][1])
            return
        self._add(event, value)

    def _add(self, event: str, value: Any) -> None:
        container = _OPEN[event]() if event in _OPEN else value
        if self.stack:
            parent, key = self.stack[-1]
            if isinstance(parent, dict):
                parent[key] = container
            else:
                parent.append(container)
        else:
            self.result = container
            self.done = event not in _OPEN
        if event in _OPEN:
            if len(self.stack) >= MAX_DEPTH:
                raise _too_deep()
            self.stack.append([container, None])

    def _close(self) -> None:
        self.stack.pop()
        if not self.stack:
            self.done = True

    # --- the long lists ---------------------------------------------------------

    def _start_listing(self, key: str) -> None:
        if key in self.stack[0][0]:
            raise ImportProblem(f"The file has the key '{key}' twice; the journal cannot "
                                "tell which one holds the journal.")
        self.listing, self.items, self.depth = key, 0, 0
        self.first = []
        self.stack.append([self.first, None])  # collects the first item only

    def _listed_event(self, event: str, value: Any) -> None:
        """Count an event inside a listed list (building it into the first item),
        or end the list."""
        if self.depth == 0:
            if event == "end_array":  # the list ends
                key, first = self.listing, self.first
                self.stack.pop()
                self.stack[-1][0][key] = Listed(self.data, key, self.items,
                                                first[0] if first else None)
                self.listing = None
                return
            self.items += 1
            self.item_values = 0
            if self.items > MAX_ITEMS[self.listing]:
                if self.listing == "entries":
                    raise too_many_entries()
                plural = ITEM_NOUNS[self.listing][0]
                raise ImportProblem(f"The file lists more than {MAX_ITEMS[self.listing]:,} "
                                    f"{plural}; the journal reads at most that many.")
        self.item_values += 1
        if self.item_values > MAX_ITEM_VALUES:
            noun = ITEM_NOUNS[self.listing][1]
            raise ImportProblem(f"{noun} {self.items:,} holds more than {MAX_ITEM_VALUES:,} "
                                "values (fields, tags and the like); the journal refuses "
                                "the file.")
        if event in _OPEN:
            self.depth += 1
            if self.depth >= MAX_DEPTH:
                raise _too_deep()
        elif event in _CLOSE:
            self.depth -= 1
        if self.items == 1:  # build the first item, for recognising the format
            if event == "map_key":
                self.stack[-1][1] = value
            elif event in _CLOSE:
                self.stack.pop()
            else:
                self._add(event, value)


def _too_deep() -> ImportProblem:
    return ImportProblem("The file is not valid JSON for an import: its lists and objects "
                         "are nested too deeply.")
