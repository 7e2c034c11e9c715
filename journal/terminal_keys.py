"""Opening an account's journal for a command run at a terminal (``export``,
``demo-data``): the command asks for the account's password, without echo, or for its
recovery key, and holds the data key for the rest of the command only
(:mod:`journal.crypto.keyring`). Nothing is stored or re-wrapped: a command that only
reads leaves the account's keys as they were.

An account without keys (one that has not signed in since encryption came) keeps its
rows plain, so no password is asked for; nor is one when this context already holds
the key (the command made the account itself).
"""

import sys

import click

from journal.auth.keys import PASSWORD, RECOVERY
from journal.auth.passwords import verify_password
from journal.crypto import keyring
from journal.crypto.keys import KdfParams, WrongKey, derived_key, password_key, unwrap
from journal.crypto.recovery import MistypedRecoveryKey, parse_key
from journal.extensions import db
from journal.models import AccountKey, User


class CannotOpen(Exception):
    """The password or recovery key given does not open the journal; the message says
    what to do, for the person at the terminal."""


def needs_key(user: User) -> bool:
    """Whether reading or writing ``user``'s journal here needs their data key first."""
    return db.session.get(AccountKey, user.id) is not None and not keyring.holds(user.id)


def open_with_password(user: User, password: str) -> bytes:
    """``user``'s data key unwrapped by ``password``, granted to this context. Raises
    :class:`CannotOpen` for a wrong password, and for a password set by a reset (the
    key it wraps is not the one the journal is sealed with: the recovery key opens it)."""
    if not verify_password(user.password_hash, password):
        raise CannotOpen(f"That is not the password of {user.display_name!r}. Nothing was "
                         "read.")
    keys = db.session.get(AccountKey, user.id)
    try:
        data_key = unwrap(password_key(password, KdfParams.from_json(keys.kdf)),
                          keys.by_password, PASSWORD, user.id)
    except (WrongKey, ValueError):
        raise CannotOpen(f"The password of {user.display_name!r} was reset and no longer "
                         "opens the journal. Use --recovery-key and type the recovery key "
                         "instead, or sign in and open it with the recovery key under "
                         "Settings.") from None
    keyring.grant(user.id, data_key)
    return data_key


def open_with_recovery_key(user: User, typed: str) -> bytes:
    """``user``'s data key unwrapped by a typed recovery key, granted to this context;
    the password's copy is left as it is. Raises :class:`CannotOpen`."""
    try:
        secret = parse_key(typed)
    except MistypedRecoveryKey as error:
        raise CannotOpen(str(error)) from None
    keys = db.session.get(AccountKey, user.id)
    recovery_key = derived_key(secret, RECOVERY, user.id)
    if keys.by_recovery is not None:
        try:
            data_key = unwrap(recovery_key, keys.by_recovery, RECOVERY, user.id)
        except WrongKey:
            pass
        else:
            keyring.grant(user.id, data_key)
            return data_key
    if any(_opens(recovery_key, generation["by_recovery"], user.id)
           for generation in keys.locked_generations()):
        raise CannotOpen(f"This recovery key opens what {user.display_name!r} wrote before "
                         "a password reset, and what was written since is sealed anew. Sign "
                         "in and open the journal with the recovery key under Settings (the "
                         "two are joined), then export with the password.")
    raise CannotOpen(f"This recovery key does not open the journal of {user.display_name!r}. "
                     "Check it against the one you saved.")


def _opens(recovery_key: bytes, wrapped: bytes | None, user_id: int) -> bool:
    if wrapped is None:
        return False
    try:
        unwrap(recovery_key, wrapped, RECOVERY, user_id)
    except WrongKey:
        return False
    return True


def ask_for_key(user: User, *, from_stdin: bool = False, recovery_key: bool = False) -> None:
    """Make this command hold ``user``'s data key, when it does not already and the
    account has keys: ask for the password (or with ``recovery_key`` the recovery key)
    without echo, or read it from the first line of standard input ``from_stdin``.
    The transaction is ended before asking, so nothing waits on someone typing. Raises
    :class:`click.ClickException` (exit status 1) when it does not open the journal."""
    if not needs_key(user):
        return
    what = "Recovery key" if recovery_key else "Password"
    shown = user.display_name
    db.session.rollback()  # hold no lock while someone types
    if from_stdin:
        typed = sys.stdin.readline().rstrip("\r\n")
    else:
        typed = click.prompt(f"{what} of {shown!r}", hide_input=True, err=True)
    try:
        if recovery_key:
            open_with_recovery_key(user, typed)
        else:
            open_with_password(user, typed)
    except CannotOpen as problem:
        db.session.rollback()
        raise click.ClickException(str(problem)) from None
