"""The sealed fields of one stored row.

A row's user-written fields are kept together as one JSON object sealed under its
owner's data key, bound to the table, the owner and the row's random ``uid`` (made when
the row is; integer ids are not known before the row is inserted). A value copied to
another row, table or account does not open there. Work that holds no data key (a
command-line import without the password, later a capture token) seals to the
account's public key instead; only a session of the owner opens that.

A stored row starts with the *generation* of the keys that sealed it (four bytes of a
digest of the key pair's public half, which says nothing of the data key). After an
administrator's password reset an account starts a new generation; rows of the old one
are locked until the owner's recovery key opens them again, and counting them is a
comparison of that prefix.
"""

import hashlib
import json
import os

from journal.crypto import keyring
from journal.crypto.sealing import is_sealed_to_public_key, open_sealed, seal_to
from journal.crypto.values import DamagedValue, context, open_value, seal

UID_BYTES = 16
GENERATION_BYTES = 4
LOCKED, DAMAGED = "locked", "damaged"


class Unreadable(Exception):
    """A sealed row this context cannot open: ``reason`` is :data:`LOCKED` (no key for
    it here: another account, or words written before a password reset) or
    :data:`DAMAGED` (changed, cut short or moved). Never holds the value."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the row is {reason}")
        self.reason = reason


class JournalLocked(Exception):
    """A write to an encrypted journal by work that holds neither its data key nor a way
    to seal for it."""


def new_uid() -> bytes:
    return os.urandom(UID_BYTES)


def generation_of(public_key: bytes) -> bytes:
    """The generation prefix of rows sealed with the keys whose public half this is."""
    return hashlib.sha256(b"journal/generation/" + bytes(public_key)).digest()[:GENERATION_BYTES]


def _bound(table: str, owner_id: int, uid: bytes) -> bytes:
    return context(table, "sealed", owner_id, bytes(uid).hex())


def seal_fields(table: str, owner_id: int, uid: bytes, fields: dict) -> bytes | None:
    """``fields`` (JSON-able) sealed for the row ``uid`` of ``owner_id`` in ``table``:
    under the data key when this context holds it, else to the account's public key.
    ``None`` for an account without keys (one that has not signed in since keys came):
    its rows stay readable until its next sign-in."""
    public = keyring.public_key(owner_id)
    if public is None:
        return None
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
    bound = _bound(table, owner_id, uid)
    key = keyring.data_key(owner_id)
    if key is not None:
        return generation_of(public) + seal(key, payload, bound)
    return generation_of(public) + seal_to(public, payload, bound, owner_id)


def open_fields(table: str, owner_id: int, uid: bytes | None, sealed: bytes) -> dict:
    """The fields of a sealed row; raises :class:`Unreadable`."""
    if uid is None:
        raise Unreadable(DAMAGED)
    bound = _bound(table, owner_id, uid)
    sealed = bytes(sealed)
    generation, sealed = sealed[:GENERATION_BYTES], sealed[GENERATION_BYTES:]
    public = keyring.public_key(owner_id)
    try:
        if public is not None and generation == generation_of(public):
            if is_sealed_to_public_key(sealed):
                private = keyring.private_key(owner_id)
                if private is None:
                    raise Unreadable(LOCKED)
                payload = open_sealed(private, sealed, bound, owner_id)
            else:
                key = keyring.data_key(owner_id)
                if key is None:
                    raise Unreadable(LOCKED)
                payload = open_value(key, sealed, bound)
        else:  # an earlier generation: open only while its key is held (a rekeying)
            key = keyring.generation_key(owner_id, generation)
            if key is None or is_sealed_to_public_key(sealed):
                locked = {generation_of(old) for old in keyring.locked_public_keys(owner_id)}
                raise Unreadable(LOCKED if generation in locked else DAMAGED)
            payload = open_value(key, sealed, bound)
        fields = json.loads(payload)
    except (DamagedValue, ValueError):
        raise Unreadable(DAMAGED) from None
    if not isinstance(fields, dict):
        raise Unreadable(DAMAGED)
    return fields


def seal_bytes(owner_id: int, data: bytes, bound_to: bytes) -> bytes:
    """``data`` (a file) sealed under ``owner_id``'s data key with its generation, bound
    to ``bound_to``; raises :class:`JournalLocked` without the key."""
    key, public = keyring.data_key(owner_id), keyring.public_key(owner_id)
    if key is None or public is None:
        raise JournalLocked("a file of an encrypted journal needs its data key")
    return generation_of(public) + seal(key, data, bound_to)


def open_bytes(owner_id: int, sealed: bytes, bound_to: bytes) -> bytes:
    """The data of :func:`seal_bytes`; raises :class:`Unreadable`."""
    sealed = bytes(sealed)
    generation, sealed = sealed[:GENERATION_BYTES], sealed[GENERATION_BYTES:]
    public = keyring.public_key(owner_id)
    if public is not None and generation == generation_of(public):
        key = keyring.data_key(owner_id)
    else:
        key = keyring.generation_key(owner_id, generation)
        if key is None:
            locked = {generation_of(old) for old in keyring.locked_public_keys(owner_id)}
            raise Unreadable(LOCKED if generation in locked else DAMAGED)
    if key is None:
        raise Unreadable(LOCKED)
    try:
        return open_value(key, sealed, bound_to)
    except DamagedValue:
        raise Unreadable(DAMAGED) from None


def sealed_to_data_key(sealed: bytes | None) -> bool:
    """Whether a stored row is sealed under a data key (not to a public key, not plain)."""
    return sealed is not None and not is_sealed_to_public_key(sealed[GENERATION_BYTES:])
