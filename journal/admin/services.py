"""Account administration. Functions add and flush; the view commits."""

from sqlalchemy import func, select

from journal.auth.sessions import end_all_sessions
from journal.extensions import db
from journal.models import Entry, User


class AdminRuleError(ValueError):
    """A change that would leave the journal without an administrator, or lock the
    acting administrator out; ``str()`` says why."""


def _active_admins() -> int:
    return db.session.scalar(select(func.count()).select_from(User)
                             .where(User.is_admin, User.active))


def set_active(actor: User, account: User, active: bool) -> None:
    """Enable or disable; a disabled account's sessions end at once."""
    if not active:
        if account.id == actor.id:
            raise AdminRuleError("You cannot disable your own account.")
        if account.is_admin and _active_admins() <= 1:
            raise AdminRuleError("This is the last administrator; make someone else one first.")
        end_all_sessions(account)
    account.active = active
    db.session.flush()


def set_admin(actor: User, account: User, admin: bool) -> None:
    if not admin and account.is_admin and _active_admins() <= 1:
        raise AdminRuleError("The journal needs at least one administrator.")
    account.is_admin = admin
    db.session.flush()


def delete_account(actor: User, account: User) -> None:
    """Remove the account and everything it wrote (the database cascades entries, tags,
    prompts, sessions and search documents)."""
    if account.id == actor.id:
        raise AdminRuleError("You cannot delete your own account here.")
    if account.is_admin and _active_admins() <= 1:
        raise AdminRuleError("This is the last administrator.")
    db.session.delete(account)
    db.session.flush()


def accounts_overview() -> list[tuple[User, int]]:
    """Every account with its number of entries (a count, never their content)."""
    counts = (select(Entry.owner_id, func.count().label("entries"))
              .group_by(Entry.owner_id).subquery())
    rows = db.session.execute(
        select(User, func.coalesce(counts.c.entries, 0))
        .outerjoin(counts, counts.c.owner_id == User.id).order_by(User.username))
    return [(user, count) for user, count in rows]
