"""An uploaded file waiting for its owner to confirm the import after the preview."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import db
from journal.models.base import OwnedMixin, UTCDateTime, utcnow


class PendingImport(OwnedMixin, db.Model):
    """At most one per user: a new upload replaces the previous one. The file is kept
    as uploaded and read again when the import is confirmed, so what is stored is
    exactly what the preview described. Removed on import, on cancel, with the
    account, and a day after upload."""

    __tablename__ = "pending_imports"
    __table_args__ = (UniqueConstraint("owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    # The format the user chose, or the one detected when they left it to the journal.
    format: Mapped[str] = mapped_column(String(16))
    # The zone for local times without an offset (jrnl dates, some Markdown files).
    timezone: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    # SHA-256 of ``data``: the confirm form carries it, so a confirmation meant for one
    # upload never imports another that replaced it in a second tab.
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
