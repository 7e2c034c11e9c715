"""Recovery keys: 150 random bits a person can write down and type back.

Shown as eight groups of four characters in Crockford's base32 (digits and capital
letters without I, L, O and U); the last two characters are a check, so a mistyped key
is told apart from a wrong one. Reading forgives case, spaces, dashes, and the letters
people confuse with digits (O for 0, I and L for 1).
"""

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DATA_CHARACTERS = 30  # 150 bits
CHECK_CHARACTERS = 2
GROUP = 4
SECRET_BYTES = 19  # 150 bits, the first two always zero
_CONFUSED = str.maketrans({"O": "0", "I": "1", "L": "1"})


class MistypedRecoveryKey(ValueError):
    """Text that cannot be a recovery key: wrong length, a character that is never in
    one, or a check that does not add up (a typo). The message is for the person."""


def new_recovery_key() -> tuple[bytes, str]:
    """A fresh recovery key: its secret bytes and the text to show."""
    secret = secrets.randbits(DATA_CHARACTERS * 5).to_bytes(SECRET_BYTES, "big")
    return secret, format_key(secret)


def format_key(secret: bytes) -> str:
    """``secret`` as the grouped text people see: eight groups of four characters
    joined by dashes."""
    number = int.from_bytes(secret, "big")
    characters = "".join(ALPHABET[(number >> (5 * index)) & 31]
                         for index in reversed(range(DATA_CHARACTERS)))
    characters += _check(secret)
    return "-".join(characters[start:start + GROUP]
                    for start in range(0, len(characters), GROUP))


def parse_key(text: str) -> bytes:
    """The secret bytes of a typed recovery key; raises :class:`MistypedRecoveryKey`
    when it cannot be one."""
    characters = "".join(text.split()).replace("-", "").upper().translate(_CONFUSED)
    expected = DATA_CHARACTERS + CHECK_CHARACTERS
    if len(characters) != expected:
        raise MistypedRecoveryKey(f"A recovery key has {expected} letters and digits "
                                  f"(without the dashes); this has {len(characters)}.")
    if any(character not in ALPHABET for character in characters):
        raise MistypedRecoveryKey("A recovery key has only digits and the letters A to Z "
                                  "(never U).")
    number = 0
    for character in characters[:DATA_CHARACTERS]:
        number = number << 5 | ALPHABET.index(character)
    secret = number.to_bytes(SECRET_BYTES, "big")
    if _check(secret) != characters[DATA_CHARACTERS:]:
        raise MistypedRecoveryKey(
            "This recovery key has a typo: check each group against the one you saved.")
    return secret


def _check(secret: bytes) -> str:
    digest = hashlib.sha256(b"journal/recovery-check/" + secret).digest()
    return "".join(ALPHABET[byte & 31] for byte in digest[:CHECK_CHARACTERS])
