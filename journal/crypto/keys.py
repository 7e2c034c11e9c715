"""An account's keys: its random data key, and the keys that wrap it.

The data key encrypts everything the account's owner writes. It is stored only wrapped
(sealed, :mod:`.values`) by a key derived from something the owner has: the password
(through Argon2id, with its parameters stored beside the wrapped key so they can be
raised later), the recovery key (:mod:`.recovery`), or a signed-in session's token. Each
wrapping is bound to its purpose and the account, so one account's wrapped key cannot
stand in for another's.
"""

import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from journal.crypto.values import KEY_BYTES, DamagedValue, context, open_value, seal

SALT_BYTES = 16


class WrongKey(Exception):
    """The key given does not unwrap this data key: a wrong password or recovery key,
    or a wrapped key that was changed."""


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters of one account's password wrapping: ``time_cost``
    iterations over ``memory_cost`` KiB in ``parallelism`` lanes, with its own salt."""

    time_cost: int
    memory_cost: int
    parallelism: int
    salt: bytes

    @classmethod
    def new(cls, time_cost: int, memory_cost: int, parallelism: int) -> "KdfParams":
        """Parameters with a fresh random salt."""
        return cls(time_cost, memory_cost, parallelism, os.urandom(SALT_BYTES))

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "salt": self.salt.hex(), "kdf": "argon2id"},
                          sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "KdfParams":
        """The parameters stored by :meth:`to_json`; ``ValueError`` for anything else."""
        try:
            stored = json.loads(text)
            if stored.get("kdf") != "argon2id":
                raise ValueError("not argon2id parameters")
            return cls(int(stored["time_cost"]), int(stored["memory_cost"]),
                       int(stored["parallelism"]), bytes.fromhex(stored["salt"]))
        except (TypeError, KeyError, AttributeError, json.JSONDecodeError) as error:
            raise ValueError("unreadable key derivation parameters") from error


def new_data_key() -> bytes:
    return os.urandom(KEY_BYTES)


def password_key(password: str, params: KdfParams) -> bytes:
    """The key the password wraps the data key with (Argon2id; as slow as ``params``)."""
    return hash_secret_raw(password.encode(), params.salt, time_cost=params.time_cost,
                           memory_cost=params.memory_cost, parallelism=params.parallelism,
                           hash_len=KEY_BYTES, type=Type.ID)


def derived_key(secret: bytes, purpose: str, user_id: int) -> bytes:
    """A key for ``purpose`` from a secret that is already random and long (a recovery
    key, a session token, the data key itself): HKDF-SHA256, bound to the account."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=context(purpose, user_id)).derive(secret)


def wrap(wrapping_key: bytes, data_key: bytes, purpose: str, user_id: int) -> bytes:
    """``data_key`` sealed under ``wrapping_key`` for ``purpose`` ("password",
    "recovery", "session") and the account."""
    return seal(wrapping_key, data_key, context("data-key", purpose, user_id))


def unwrap(wrapping_key: bytes, wrapped: bytes, purpose: str, user_id: int) -> bytes:
    """The data key in ``wrapped``; raises :class:`WrongKey` when ``wrapping_key`` is not
    the one it was wrapped with (or it was changed, or belongs to another account)."""
    try:
        data_key = open_value(wrapping_key, wrapped, context("data-key", purpose, user_id))
    except DamagedValue:
        raise WrongKey("the key does not open this journal") from None
    if len(data_key) != KEY_BYTES:
        raise WrongKey("the key does not open this journal")
    return data_key


def fingerprint(data_key: bytes) -> str:
    """A short public check that two wrappings hold the same data key (for ``check``):
    it reveals nothing of the key."""
    return hmac.new(data_key, b"journal/fingerprint", hashlib.sha256).hexdigest()[:16]
