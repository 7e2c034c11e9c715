"""Counting words as the journal shows them (an entry's word count, words written)."""

import re

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def count_words(*texts: str | None) -> int:
    """Words across ``texts``: runs of letters and digits, "don't" counting as one."""
    return sum(len(WORD.findall(text)) for text in texts if text)
