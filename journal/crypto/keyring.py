"""The keys the current request, command or job holds, per account.

A signed-in request offers its owner's data key (unwrapped from the session's copy only
when a sealed value is first opened or written); sign-in and the recovery pages grant it
outright once they have opened it. Everything lives on :data:`flask.g`, so it is gone
with the request's application context and never outlives the work that held it.
Derived keys (search words, tag names, the private half of the key pair) are computed
once per context.
"""

import hashlib
import hmac
from collections.abc import Callable

from flask import g, has_app_context

from journal.crypto.keys import derived_key
from journal.crypto.values import DamagedValue, context, open_value

SEARCH, TAG_NAMES = "search", "tag-names"


class _Ring:
    def __init__(self) -> None:
        self.openers: dict[int, Callable[[], bytes | None]] = {}
        self.data_keys: dict[int, bytes | None] = {}
        self.derived: dict[tuple[int, str], bytes] = {}
        self.public_keys: dict[int, bytes | None] = {}
        self.locked_publics: dict[int, list[bytes]] = {}
        self.private_keys: dict[int, bytes] = {}
        self.generations: dict[tuple[int, bytes], bytes] = {}


def _ring() -> _Ring:
    if not has_app_context():
        raise RuntimeError("keys are held per application context")
    if "keyring" not in g:
        g.keyring = _Ring()
    return g.keyring


def offer(owner_id: int, opener: Callable[[], bytes | None]) -> None:
    """Let ``opener`` produce ``owner_id``'s data key when it is first needed."""
    ring = _ring()
    ring.openers[owner_id] = opener
    ring.data_keys.pop(owner_id, None)


def grant(owner_id: int, data_key: bytes) -> None:
    """Hold ``owner_id``'s data key for the rest of this context."""
    ring = _ring()
    ring.data_keys[owner_id] = data_key
    ring.openers.pop(owner_id, None)


def grant_generation(owner_id: int, generation: bytes, data_key: bytes) -> None:
    """Hold the data key of an earlier generation of ``owner_id``'s keys (while its rows
    are sealed again under the current one)."""
    _ring().generations[owner_id, bytes(generation)] = data_key


def generation_key(owner_id: int, generation: bytes) -> bytes | None:
    return _ring().generations.get((owner_id, bytes(generation)))


def held_generations(owner_id: int) -> list[bytes]:
    """The earlier generations of ``owner_id``'s keys this context holds."""
    return [generation for owner, generation in _ring().generations if owner == owner_id]


def forget(owner_id: int) -> None:
    """Drop everything held for ``owner_id`` (the session that offered it has ended, or
    its keys changed)."""
    ring = _ring()
    for table in (ring.openers, ring.data_keys, ring.public_keys, ring.private_keys,
                  ring.locked_publics):
        table.pop(owner_id, None)
    for table in (ring.derived, ring.generations):
        for pair in [pair for pair in table if pair[0] == owner_id]:
            del table[pair]


def data_key(owner_id: int) -> bytes | None:
    """``owner_id``'s data key, or ``None`` when this context may not read their journal."""
    ring = _ring()
    if owner_id not in ring.data_keys:
        opener = ring.openers.pop(owner_id, None)
        ring.data_keys[owner_id] = opener() if opener is not None else None
    return ring.data_keys[owner_id]


def holds(owner_id: int) -> bool:
    return data_key(owner_id) is not None


def _derived(owner_id: int, purpose: str) -> bytes | None:
    ring = _ring()
    if (owner_id, purpose) not in ring.derived:
        key = data_key(owner_id)
        if key is None:
            return None
        ring.derived[owner_id, purpose] = derived_key(key, purpose, owner_id)
    return ring.derived[owner_id, purpose]


def blind(owner_id: int, purpose: str, text: str) -> str | None:
    """A keyed digest of ``text`` for ``purpose`` (search words, tag names): equal texts
    give equal digests within one account and nothing comparable across accounts;
    ``None`` without the key. 20 hex characters (80 bits)."""
    key = _derived(owner_id, purpose)
    if key is None:
        return None
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:20]


def blinder(owner_id: int, purpose: str) -> Callable[[str], str] | None:
    """A memoised :func:`blind` for many texts of one account, or ``None`` without the key."""
    key = _derived(owner_id, purpose)
    if key is None:
        return None
    seen: dict[str, str] = {}

    def blinded(text: str) -> str:
        digest = seen.get(text)
        if digest is None:
            digest = seen[text] = hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:20]
        return digest

    return blinded


def use_account_keys(load: Callable[[int], tuple[bytes, bytes, list[bytes]] | None]) -> None:
    """Set how an account's key pair is read: ``load(owner_id)`` returns the public half
    and the private half sealed under the data key, and the public halves of its locked
    earlier generations; or ``None`` for an account without keys. The models register
    their reader when imported."""
    global _load_account_keys
    _load_account_keys = load


def _no_account_keys(owner_id: int) -> None:
    raise RuntimeError("no reader of account keys registered")


_load_account_keys: Callable[[int], tuple[bytes, bytes, list[bytes]] | None] = _no_account_keys


def public_key(owner_id: int) -> bytes | None:
    """The public half of ``owner_id``'s key pair, or ``None`` for an account without keys."""
    ring = _ring()
    if owner_id not in ring.public_keys:
        pair = _load_account_keys(owner_id)
        ring.public_keys[owner_id] = pair[0] if pair is not None else None
        ring.locked_publics[owner_id] = pair[2] if pair is not None else []
    return ring.public_keys[owner_id]


def locked_public_keys(owner_id: int) -> list[bytes]:
    """The public halves of ``owner_id``'s locked generations (see :func:`use_account_keys`)."""
    public_key(owner_id)
    return _ring().locked_publics[owner_id]


def private_key(owner_id: int) -> bytes | None:
    """The private half of ``owner_id``'s key pair, opened with the data key; ``None``
    without the data key."""
    ring = _ring()
    if owner_id not in ring.private_keys:
        key = data_key(owner_id)
        pair = _load_account_keys(owner_id) if key is not None else None
        if pair is None:
            return None
        try:
            ring.private_keys[owner_id] = open_value(
                key, pair[1], context("account-keys", "private", owner_id))
        except DamagedValue:
            return None
    return ring.private_keys[owner_id]
