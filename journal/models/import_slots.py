"""Leases on the slots for reading an import; :mod:`journal.imports.limits` takes
and gives them back."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import db
from journal.models.base import UTCDateTime


class ImportSlot(db.Model):
    """One slot taken: by whom (a random token) and until when at the latest."""

    __tablename__ = "import_slots"

    slot: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    holder: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
