"""The data model. Everything a user writes carries an ``owner_id`` (see
:class:`OwnedMixin`) and is read through :mod:`journal.ownership`. Invitations and
password links belong to sign-in: :mod:`journal.auth.models`."""

from journal.models.base import OwnedMixin, UTCDateTime, utcnow
from journal.models.entries import ENTRY_KINDS, NOTE, REFRAME, Entry, EntryTag, Reframe, Tag
from journal.models.import_slots import ImportSlot
from journal.models.imports import ImportJob, PendingImport
from journal.models.keys import AccountKey
from journal.models.prompts import Prompt, PromptHide
from journal.models.totals import DayTagTotal, DayTotal
from journal.models.users import LoginFailure, User, UserSession

__all__ = [
    "AccountKey",
    "ENTRY_KINDS",
    "NOTE",
    "REFRAME",
    "DayTagTotal",
    "DayTotal",
    "Entry",
    "ImportJob",
    "PendingImport",
    "EntryTag",
    "LoginFailure",
    "OwnedMixin",
    "Prompt",
    "PromptHide",
    "Reframe",
    "Tag",
    "UTCDateTime",
    "User",
    "UserSession",
    "utcnow",
    "ImportSlot",
]
