"""Leaving the journal: a person deletes their own account. Functions add, delete and
flush; the view commits."""

from sqlalchemy import func, select

from journal.auth.sessions import end_all_sessions
from journal.auth.throttle import clear_failures
from journal.extensions import db
from journal.models import Entry, User
from journal.ownership import owned


class LastAdministratorError(ValueError):
    """Deleting this account would leave other accounts without an administrator."""


def entries_to_delete(user: User) -> int:
    """How many entries ``user`` owns: what deleting the account removes."""
    return db.session.scalar(owned(Entry, user).with_only_columns(func.count()))


def is_last_administrator(user: User) -> bool:
    """True when ``user`` is the only active administrator while other accounts exist.
    Such an account cannot be deleted: the others would be left with nobody to run
    the journal. The only account of all may always be deleted."""
    if not user.is_admin:
        return False
    others = select(func.count()).select_from(User).where(User.id != user.id)
    if db.session.scalar(others) == 0:
        return False
    return db.session.scalar(others.where(User.is_admin, User.active)) == 0


def delete_own_account(user: User) -> None:
    """Delete ``user`` and, through the database's cascades, everything they own:
    entries with their reframes and tag links, tags, own prompts, hidden prompts,
    pending imports, password links, search documents, and every signed-in session
    (all their browsers are signed out on their next request). Failed sign-ins
    recorded for the username are forgotten, so a newcomer who takes the name later
    starts unthrottled.

    Raises :class:`LastAdministratorError` (and changes nothing) when
    :func:`is_last_administrator` holds."""
    if is_last_administrator(user):
        raise LastAdministratorError(
            "You are the only administrator, and other people have accounts here.")
    end_all_sessions(user)
    clear_failures(user.username)
    db.session.delete(user)
    db.session.flush()
