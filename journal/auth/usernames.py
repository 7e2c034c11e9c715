"""Usernames: the form two names are compared in, and what a username may be."""

import re
import unicodedata

USERNAME_PATTERN = re.compile(r"^[\w.-]{2,64}$")


def canonical_username(raw: str) -> str:
    """NFKC-normalized, case-folded and trimmed: the form two names are compared in."""
    return unicodedata.normalize("NFKC", raw).casefold().strip()


def username_problem(raw: str) -> str | None:
    """Why ``raw`` cannot be a username, or ``None``."""
    name = canonical_username(raw)
    if not USERNAME_PATTERN.fullmatch(name):
        return ("Use 2 to 64 letters, digits, dots, dashes or underscores, without spaces.")
    return None
