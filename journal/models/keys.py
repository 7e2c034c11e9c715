"""An account's keys, each stored only wrapped (see :mod:`journal.crypto.keys`)."""

import json
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, Text
from sqlalchemy.orm import Mapped, mapped_column

from journal.crypto import keyring
from journal.extensions import db
from journal.models.base import UTCDateTime, utcnow


class AccountKey(db.Model):
    """The data key of one account, wrapped by its password (with the Argon2id
    parameters that derived the wrapping key) and, once the owner has one, by its
    recovery key; and the account's key pair for values sealed without its owner: the
    public half as it is, the private half sealed under the data key."""

    __tablename__ = "account_keys"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    kdf: Mapped[str] = mapped_column(Text)  # KdfParams.to_json()
    by_password: Mapped[bytes] = mapped_column(LargeBinary)
    by_recovery: Mapped[bytes | None] = mapped_column(LargeBinary)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    private_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the owner confirmed they saved their recovery key; None: not yet.
    recovery_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Earlier generations of keys, locked by an administrator's password reset: a JSON
    # list of {"public", "private", "by_recovery"} (hex; the private half sealed under
    # that generation's data key, which only its recovery key unwraps). None: none.
    locked: Mapped[str | None] = mapped_column(Text)

    def locked_generations(self) -> list[dict[str, bytes | None]]:
        """The locked generations, oldest first, with their values as bytes."""
        if not self.locked:
            return []
        return [{name: bytes.fromhex(value) if value else None for name, value in item.items()}
                for item in json.loads(self.locked)]

    def set_locked_generations(self, generations: list[dict[str, bytes | None]]) -> None:
        self.locked = json.dumps([{name: value.hex() if value else None
                                   for name, value in item.items()}
                                  for item in generations]) if generations else None


def _account_key_pair(user_id: int) -> tuple[bytes, bytes, list[bytes]] | None:
    keys = db.session.get(AccountKey, user_id)
    if keys is None:
        return None
    return (keys.public_key, keys.private_key,
            [generation["public"] for generation in keys.locked_generations()])


keyring.use_account_keys(_account_key_pair)
