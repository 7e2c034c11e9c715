"""Typing a recovery key back into a form: the unlock page and the password link's page
share it."""

from wtforms import Field

from journal.auth.keys import unlock_with_recovery_key
from journal.crypto.keys import WrongKey
from journal.crypto.recovery import MistypedRecoveryKey
from journal.models import User

WRONG_RECOVERY_KEY = ("This recovery key does not open this journal. Check it against the "
                      "one you saved; nothing was changed.")


def reopen_with_recovery_key(account: User, field: Field, password: str) -> bytes | None:
    """``account``'s data key opened with the recovery key typed in ``field`` and
    wrapped by ``password`` (see :func:`unlock_with_recovery_key`); ``None``, with a
    message beside the field, when the text cannot be a recovery key or is not this
    account's. Nothing changes then."""
    try:
        return unlock_with_recovery_key(account, field.data or "", password)
    except MistypedRecoveryKey as error:
        field.errors.append(str(error))
    except WrongKey:
        field.errors.append(WRONG_RECOVERY_KEY)
    return None
