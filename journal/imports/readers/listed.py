"""A long list of a JSON file, read item by item: what
:func:`journal.imports.readers.jsonstream.load_json` gives for an export's entries,
tags and prompts, so that no reader holds them all at once."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import ijson


class Listed:
    """A long list of the file's top-level object, read again item by item each time
    it is iterated. ``len()`` is its number of items; :attr:`first` its first item
    (None when empty)."""

    def __init__(self, data: bytes, key: str, count: int, first: Any):
        self._data, self.key, self.count, self.first = data, key, count, first

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Any]:
        return ijson.items(io.BytesIO(self._data), f"{self.key}.item", use_float=True)

    def __repr__(self) -> str:
        return f"<{self.count:,} items of '{self.key}'>"


def is_list(value: Any) -> bool:
    """Whether ``value`` is a JSON list: a list or a :class:`Listed`."""
    return isinstance(value, list | Listed)


def first_item(value: list | Listed) -> Any:
    """The first item of a JSON list, or None when it is empty."""
    return value.first if isinstance(value, Listed) else next(iter(value), None)
