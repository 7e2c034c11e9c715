"""Reading accounts: who exists, and whether anyone may register."""

from flask import current_app
from sqlalchemy import func, select

from journal.auth.usernames import canonical_username
from journal.extensions import db
from journal.models import User


def has_any_user() -> bool:
    return db.session.scalar(select(func.count()).select_from(User)) > 0


def registration_open() -> bool:
    """Anyone may register when registration is open, and the very first visitor may
    always create the administrator account. (With ``invite``, an invitation link opens
    the form too; see the register view.)"""
    return current_app.config["REGISTRATION"] == "open" or not has_any_user()


def find_user(raw_username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == canonical_username(raw_username)))
