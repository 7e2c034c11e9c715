"""Authenticated encryption of one stored value, bound to where it is stored.

A sealed value is ``VERSION`` (one byte), a 12-byte random nonce, and the AES-256-GCM
ciphertext with its 16-byte tag. The *context* (see :func:`context`) is authenticated
but not stored: a value copied to another row, column or account does not open there,
exactly as if it had been changed.
"""

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = b"\x01"
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32
OVERHEAD = len(VERSION) + NONCE_BYTES + TAG_BYTES


class DamagedValue(Exception):
    """A sealed value that does not open with this key and context: changed, cut short,
    moved from elsewhere, or sealed with another key. Its message never holds the
    value or the key."""


def context(*parts: str | int) -> bytes:
    """The context a value is bound to, from its parts (for example the table, the
    column, the owner's id and the row's id): unambiguous, since no part may hold the
    separator."""
    texts = [str(part) for part in parts]
    if any("/" in text for text in texts):
        raise ValueError("a context part may not contain '/'")
    return "/".join(["journal", *texts]).encode()


def seal(key: bytes, plaintext: bytes, bound_to: bytes) -> bytes:
    """``plaintext`` encrypted and authenticated under ``key`` (32 bytes), bound to the
    context ``bound_to``."""
    _check_key(key)
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, bound_to)


def open_value(key: bytes, sealed: bytes, bound_to: bytes) -> bytes:
    """The plaintext of ``sealed``; raises :class:`DamagedValue` unless it was sealed by
    :func:`seal` with this ``key`` and this context and is unchanged."""
    _check_key(key)
    if not isinstance(sealed, bytes | bytearray | memoryview):
        raise DamagedValue("not a sealed value")
    sealed = bytes(sealed)
    if len(sealed) < OVERHEAD or sealed[:1] != VERSION:
        raise DamagedValue("not a sealed value, or cut short")
    nonce = sealed[1:1 + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, sealed[1 + NONCE_BYTES:], bound_to)
    except InvalidTag:
        raise DamagedValue("the value does not open: changed, moved, or another key") from None


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise ValueError("a key is 32 bytes")
