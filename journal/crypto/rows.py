"""The sealed fields of one stored row.

A row's user-written fields are kept together as one JSON object sealed under its
owner's data key, bound to the table, the owner and the row's random ``uid`` (made when
the row is; integer ids are not known before the row is inserted). A value copied to
another row, table or account does not open there. Work that holds no data key (a
command-line import without the password, later a capture token) seals to the
account's public key instead; only a session of the owner opens that.
"""

import json
import os

from journal.crypto import keyring
from journal.crypto.sealing import is_sealed_to_public_key, open_sealed, seal_to
from journal.crypto.values import DamagedValue, context, open_value, seal

UID_BYTES = 16
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


def _bound(table: str, owner_id: int, uid: bytes) -> bytes:
    return context(table, "sealed", owner_id, bytes(uid).hex())


def seal_fields(table: str, owner_id: int, uid: bytes, fields: dict) -> bytes | None:
    """``fields`` (JSON-able) sealed for the row ``uid`` of ``owner_id`` in ``table``:
    under the data key when this context holds it, else to the account's public key.
    ``None`` for an account without keys (one that has not signed in since keys came):
    its rows stay readable until its next sign-in."""
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
    bound = _bound(table, owner_id, uid)
    key = keyring.data_key(owner_id)
    if key is not None:
        return seal(key, payload, bound)
    public = keyring.public_key(owner_id)
    if public is not None:
        return seal_to(public, payload, bound, owner_id)
    return None


def open_fields(table: str, owner_id: int, uid: bytes | None, sealed: bytes) -> dict:
    """The fields of a sealed row; raises :class:`Unreadable`."""
    if uid is None:
        raise Unreadable(DAMAGED)
    bound = _bound(table, owner_id, uid)
    sealed = bytes(sealed)
    try:
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
        fields = json.loads(payload)
    except (DamagedValue, ValueError):
        raise Unreadable(DAMAGED) from None
    if not isinstance(fields, dict):
        raise Unreadable(DAMAGED)
    return fields


def sealed_to_data_key(sealed: bytes | None) -> bool:
    """Whether a stored row is sealed under a data key (not to a public key, not plain)."""
    return sealed is not None and not is_sealed_to_public_key(sealed)
