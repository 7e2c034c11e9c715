"""Values sealed to an account's public key, by work that runs without its owner.

A resumed import, a command-line import or a capture token may add to a journal but
must never read it. Each account has an X25519 key pair: the public half is stored as
it is, the private half only wrapped by the data key. A sealed value is ``VERSION``, a
fresh ephemeral public key, and the value sealed (:mod:`.values`) under a key agreed
between that ephemeral key and the account's public key. Only the private half opens it,
so only a session of the owner can; it then stores the value under the data key.
"""

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from journal.crypto.keys import derived_key
from journal.crypto.values import DamagedValue, open_value, seal

VERSION = b"\x02"
PUBLIC_BYTES = 32


def new_key_pair() -> tuple[bytes, bytes]:
    """A fresh key pair: the private half (32 bytes, to be wrapped) and the public half."""
    private = X25519PrivateKey.generate()
    return private.private_bytes_raw(), _public_bytes(private.public_key())


def seal_to(public_key: bytes, plaintext: bytes, bound_to: bytes, user_id: int) -> bytes:
    """``plaintext`` sealed so that only the holder of ``public_key``'s private half
    opens it, bound to the context ``bound_to``."""
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    sender = _public_bytes(ephemeral.public_key())
    key = derived_key(shared + sender + public_key, "sealed", user_id)
    return VERSION + sender + seal(key, plaintext, bound_to)


def is_sealed_to_public_key(value: bytes) -> bool:
    return bytes(value[:1]) == VERSION


def open_sealed(private_key: bytes, sealed: bytes, bound_to: bytes, user_id: int) -> bytes:
    """The plaintext of a value from :func:`seal_to`; raises :class:`DamagedValue` when
    it does not open with this private key and context."""
    sealed = bytes(sealed)
    if len(sealed) < 1 + PUBLIC_BYTES or sealed[:1] != VERSION:
        raise DamagedValue("not a value sealed to a public key, or cut short")
    sender = sealed[1:1 + PUBLIC_BYTES]
    private = X25519PrivateKey.from_private_bytes(private_key)
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(sender))
    except ValueError:
        raise DamagedValue("the value does not open") from None
    key = derived_key(shared + sender + _public_bytes(private.public_key()), "sealed", user_id)
    return open_value(key, sealed[1 + PUBLIC_BYTES:], bound_to)


def _public_bytes(public: X25519PublicKey) -> bytes:
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)
