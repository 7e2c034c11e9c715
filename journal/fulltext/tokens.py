"""The words of one account as the index holds them, and the terms of a query turned
into the same form.

An encrypted journal's words go into the index as keyed digests
(:func:`journal.crypto.keyring.blinder` with :data:`~journal.crypto.keyring.SEARCH`):
20 hex characters per word, in the words' own order, so phrases and ranking work as on
plain words, while the index holds no word and no part of one. Equal words give equal
digests within the account and nothing comparable across accounts. For ``deploy*`` each
document also lists the digests of its words' beginnings (``"p:" + word[:n]`` for
``n`` from :data:`MIN_PREFIX` to one short of the word; :data:`PREFIX_DIGITS` hex
digits), once each and in digest order, in a column of their own that ranking leaves
out.

An account without keys (not signed in since encryption came; its rows are still
plain) keeps plain words, and its prefixes are found by the index's own prefix search.
An encrypted account whose key this context does not hold is *locked*: its documents
cannot be written (they are left as they are) and its words cannot be looked up.

One :class:`Vocabulary` per account and application context (:func:`vocabulary`)
remembers the digests it has made, so a word is digested once per request, command
or job.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from flask import g

from journal.crypto import keyring
from journal.fulltext.terms import Term, words_of

PREFIX_MARK = "p:"
MIN_PREFIX = 2
# Beginnings are indexed up to this many letters: a longer typed beginning is looked up
# by its first ones (it may then also find words that share only those). Without a bound
# a single long "word" (a pasted key, a row of one letter) would make one digest per
# letter of it, each of a longer text.
MAX_PREFIX = 24
"""The shortest beginning of a word that ``word*`` finds: shorter ones would be in
nearly every document."""
PREFIX_DIGITS = 12
"""Hex digits kept of a beginning's digest (48 bits): a document lists about twice as
many beginnings as words, and they only ever need telling apart within one account."""


@dataclass(frozen=True)
class Lookup:
    """One term as the index is asked for it."""

    words: tuple[str, ...]  # tokens next to each other, in this order
    prefix: bool = False  # plain words: the last word is a prefix (the index's own search)
    stem: str | None = None  # digests: the prefix token of the single word, found in the
    # prefixes column (the word itself, whole, is ``words[0]``)


@dataclass(frozen=True)
class IndexQuery:
    """A query's terms as one account's index holds them: every group must match (any
    lookup of a group may) and no excluded lookup."""

    groups: tuple[tuple[Lookup, ...], ...]
    excluded: tuple[Lookup, ...]
    blinded: bool

    @property
    def has_stems(self) -> bool:
        return any(lookup.stem for group in (*self.groups, self.excluded) for lookup in group)


class Vocabulary:
    """How one account's words are written into, and looked up in, the index."""

    def __init__(self, blind: Callable[[str], str] | None, *, locked: bool = False) -> None:
        self._blind = blind
        self.locked = locked
        self._digests: dict[str, tuple[str, tuple[str, ...]]] = {}

    @property
    def blinded(self) -> bool:
        return self._blind is not None

    def _digested(self, word: str) -> tuple[str, tuple[str, ...]]:
        """The word's digest and the digests of its beginnings, made once."""
        found = self._digests.get(word)
        if found is None:
            blind = self._blind
            beginnings = tuple(blind(PREFIX_MARK + word[:length])[:PREFIX_DIGITS]
                               for length in range(MIN_PREFIX, min(len(word), MAX_PREFIX + 1)))
            found = self._digests[word] = (blind(word), beginnings)
        return found

    def tokens(self, text: str) -> list[str]:
        """The tokens of ``text`` in order: its words, or their digests."""
        words = words_of(text)
        if self._blind is None:
            return words
        digested = self._digested
        return [digested(word)[0] for word in words]

    def prefixes(self, texts: Iterable[str]) -> list[str]:
        """The prefix tokens of every word of ``texts``, each once, in digest order
        (their order says nothing about the words'); none for plain words."""
        if self._blind is None:
            return []
        digested = self._digested
        found: set[str] = set()
        for text in texts:
            for word in set(words_of(text)):
                found.update(digested(word)[1])
        return sorted(found)

    def lookup(self, term: Term) -> Lookup:
        """``term`` as the index is asked for it: a phrase of tokens; a prefix as the
        index's own prefix search (plain words) or as the prefix token of its word,
        or the whole word itself (digests)."""
        words = words_of(term.text)
        if self._blind is None:
            return Lookup(tuple(words), prefix=term.prefix)
        digests = tuple(self._digested(word)[0] for word in words)
        if term.prefix and len(words) == 1 and len(words[0]) >= MIN_PREFIX:
            stem = self._blind(PREFIX_MARK + words[0][:MAX_PREFIX])[:PREFIX_DIGITS]
            return Lookup(digests, stem=stem)
        return Lookup(digests)

    def query(self, groups: Sequence[Sequence[Term]], excluded: Sequence[Term]) -> IndexQuery:
        return IndexQuery(
            groups=tuple(tuple(self.lookup(term) for term in group) for group in groups),
            excluded=tuple(self.lookup(term) for term in excluded),
            blinded=self.blinded)


def vocabulary(owner_id: int) -> Vocabulary:
    """The vocabulary of ``owner_id``'s documents in this context: digests when the
    context holds the account's key, plain words for an account without keys, and
    :attr:`Vocabulary.locked` (plain, writing nothing) for an encrypted account whose key
    is not held here. Kept on :data:`flask.g` while the key stays held."""
    held = keyring.holds(owner_id)
    known: dict[int, Vocabulary] = g.setdefault("search_vocabularies", {})
    found = known.get(owner_id)
    if found is not None and found.blinded == held:
        return found
    if held:
        found = Vocabulary(keyring.blinder(owner_id, keyring.SEARCH))
    else:
        found = Vocabulary(None, locked=keyring.public_key(owner_id) is not None)
    known[owner_id] = found
    return found
