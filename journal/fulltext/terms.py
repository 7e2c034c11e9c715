"""Words as the index sees them, and the terms a query matches them with."""

import re
import unicodedata
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+")  # letters and digits, as SQLite's unicode61 tokenizer splits


@dataclass(frozen=True)
class Term:
    text: str  # as typed, whitespace normalized; without the quotes, the - or the *
    phrase: bool = False  # came from "double quotes"
    prefix: bool = False  # deploy*: its single word is a prefix


def searchable(text: str) -> str:
    """The form both indexed text and query words take: NFKC, case-folded, without
    diacritics. ``searchable("Café Déjà") == "cafe deja"``."""
    if text.isascii():  # the same, without the Unicode tables: ASCII only changes case
        return text.lower()
    folded = unicodedata.normalize("NFKC", text).casefold()
    bare = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare)


def words_of(text: str) -> list[str]:
    """The words of ``text`` as the index splits them: runs of letters and digits of its
    searchable form. ``words_of("Docker-Compose") == ["docker", "compose"]``."""
    return _WORD.findall(searchable(text))
