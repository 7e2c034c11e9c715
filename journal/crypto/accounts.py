"""The keys of an account, as sign-in, sessions and password changes use them.

An account's data key is unwrapped with its password at sign-in (created there, the
first time) and wrapped again for the new session, under a key derived from the
session's token. The token lives only in the browser's cookie; the database keeps its
hash. So the server can read a journal only while a request of its owner's session
brings the token, and ending the session (signing out, a password change for the other
sessions, a reset, disabling the account; expiry refuses the token) removes the only copy
it could open. Functions add and flush; the view commits.
"""

from flask import current_app

from journal.crypto import keyring
from journal.crypto.keys import (
    KdfParams,
    WrongKey,
    derived_key,
    new_data_key,
    password_key,
    unwrap,
    wrap,
)
from journal.crypto.recovery import new_recovery_key, parse_key
from journal.crypto.sealing import new_key_pair
from journal.crypto.values import DamagedValue, context, open_value, seal
from journal.extensions import db
from journal.models import AccountKey, User, utcnow

PASSWORD, SESSION, RECOVERY = "password", "session", "recovery"


def kdf_params() -> KdfParams:
    """Fresh Argon2id parameters as configured (``KEY_DERIVATION_*``), with a new salt."""
    config = current_app.config
    return KdfParams.new(config["KEY_DERIVATION_TIME_COST"],
                         config["KEY_DERIVATION_MEMORY_COST"],
                         config["KEY_DERIVATION_PARALLELISM"])


def create_keys(user: User, password: str) -> bytes:
    """Give ``user`` (flushed, so it has an id) a new data key wrapped by ``password``,
    and a key pair; returns the data key, also set as ``user.data_key``."""
    data_key = new_data_key()
    params = kdf_params()
    private, public = new_key_pair()
    db.session.add(AccountKey(
        user_id=user.id, kdf=params.to_json(),
        by_password=wrap(password_key(password, params), data_key, PASSWORD, user.id),
        public_key=public,
        private_key=seal(data_key, private, context("account-keys", "private", user.id))))
    db.session.flush()
    _hold(user, data_key)
    return data_key


def unlock_with_password(user: User, password: str) -> bytes | None:
    """The data key of ``user``, whose ``password`` was just checked: unwrapped, or
    created when the account has no keys yet. ``None`` when the password does not open
    the key (it was set by a reset: what the old one wrapped needs the recovery key).
    Sets ``user.data_key``."""
    keys = db.session.get(AccountKey, user.id)
    if keys is None:
        return create_keys(user, password)
    try:
        data_key = unwrap(password_key(password, KdfParams.from_json(keys.kdf)),
                          keys.by_password, PASSWORD, user.id)
    except (WrongKey, ValueError):
        return None
    _hold(user, data_key)
    return data_key


def rewrap_for_password(user: User, data_key: bytes, password: str) -> None:
    """Wrap ``user``'s data key with a new ``password`` (and fresh parameters), after a
    password change by someone who could open it. The recovery key's copy is kept."""
    keys = db.session.get(AccountKey, user.id)
    if keys is None:
        create_keys(user, password)
        return
    params = kdf_params()
    keys.kdf = params.to_json()
    keys.by_password = wrap(password_key(password, params), data_key, PASSWORD, user.id)


def wrap_for_session(user: User, token: str, data_key: bytes) -> bytes:
    """``data_key`` wrapped under a key only ``token`` (the session's cookie) derives."""
    return wrap(_session_key(token, user.id), data_key, SESSION, user.id)


def session_data_key(user: User) -> bytes | None:
    """The data key for this request of ``user``'s session, unwrapped once per request;
    ``None`` when the session holds none (it cannot read the journal)."""
    if user.data_key is not None:
        return user.data_key
    if user.session_wrapped_key is None or user.session_token is None:
        return None
    try:
        user.data_key = unwrap(_session_key(user.session_token, user.id),
                               user.session_wrapped_key, SESSION, user.id)
    except WrongKey:
        current_app.logger.warning("A session's copy of its data key does not open "
                                   "(account %s)", user.id)
        return None
    return user.data_key


def offer_session_key(user: User) -> None:
    """Let this request open ``user``'s journal with its session's copy of the key,
    unwrapped only when something sealed is first read or written."""
    keyring.offer(user.id, lambda: session_data_key(user))


def _hold(user: User, data_key: bytes) -> None:
    user.data_key = data_key
    keyring.grant(user.id, data_key)


def _session_key(token: str, user_id: int) -> bytes:
    return derived_key(token.encode(), SESSION, user_id)


# --- recovery keys ---------------------------------------------------------------------------

def make_recovery_key(user: User, data_key: bytes) -> str:
    """A new recovery key for ``user`` (it replaces any earlier one, which stops
    working), as the text to show once; the account counts it as not yet saved."""
    secret, shown = new_recovery_key()
    keys = db.session.get(AccountKey, user.id)
    keys.by_recovery = wrap(derived_key(secret, RECOVERY, user.id), data_key, RECOVERY, user.id)
    keys.recovery_saved_at = None
    return shown


def lacks_recovery_key(user: User) -> bool:
    """Whether ``user`` has keys but no recovery key yet (an account from before)."""
    keys = db.session.get(AccountKey, user.id)
    return keys is not None and keys.by_recovery is None


def mark_recovery_key_saved(user: User) -> None:
    keys = db.session.get(AccountKey, user.id)
    if keys is not None and keys.recovery_saved_at is None:
        keys.recovery_saved_at = utcnow()


def unlock_with_recovery_key(user: User, typed: str, password: str) -> bytes:
    """Open ``user``'s data key with a typed recovery key and wrap it by ``password``
    (their current one: after a reset, the password opens the journal again). Raises
    :class:`MistypedRecoveryKey` for text that cannot be a recovery key and
    :class:`WrongKey` for a recovery key that is not this account's; nothing changes
    then. Sets ``user.data_key``."""
    data_key = open_with_recovery_key(user, typed)
    rewrap_for_password(user, data_key, password)
    return data_key


def open_with_recovery_key(user: User, typed: str) -> bytes:
    """Open ``user``'s data key with a typed recovery key for this context only,
    changing nothing stored; raises as :func:`unlock_with_recovery_key`. Sets
    ``user.data_key``."""
    secret = parse_key(typed)
    keys = db.session.get(AccountKey, user.id)
    if keys is None or keys.by_recovery is None:
        raise WrongKey("this account has no recovery key")
    data_key = unwrap(derived_key(secret, RECOVERY, user.id), keys.by_recovery, RECOVERY, user.id)
    _hold(user, data_key)
    return data_key


def seal_for_session(user: User, token: str, text: str) -> bytes:
    """``text`` (a recovery key waiting to be shown) sealed under the session key."""
    return seal(_session_key(token, user.id), text.encode(), context("user-sessions",
                                                                     RECOVERY, user.id))


def shown_recovery_key(user: User) -> str | None:
    """The recovery key this session is to show, or ``None``."""
    if user.session_recovery_key is None or user.session_token is None:
        return None
    try:
        return open_value(_session_key(user.session_token, user.id), user.session_recovery_key,
                          context("user-sessions", RECOVERY, user.id)).decode()
    except DamagedValue:
        return None
