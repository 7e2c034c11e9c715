"""An account's keys, each stored only wrapped (see :mod:`journal.crypto.keys`)."""

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


def _account_key_pair(user_id: int) -> tuple[bytes, bytes] | None:
    keys = db.session.get(AccountKey, user_id)
    return (keys.public_key, keys.private_key) if keys is not None else None


keyring.use_account_keys(_account_key_pair)
