"""The data model. Everything a user writes carries an ``owner_id`` (see
:class:`OwnedMixin`) and is read through :mod:`journal.ownership`."""

from journal.models.base import OwnedMixin, UTCDateTime, utcnow
from journal.models.entries import Entry, EntryTag, Tag
from journal.models.users import LoginFailure, User, UserSession

__all__ = [
    "Entry",
    "EntryTag",
    "LoginFailure",
    "OwnedMixin",
    "Tag",
    "UTCDateTime",
    "User",
    "UserSession",
    "utcnow",
]
