"""An uploaded file waiting for its owner to confirm the import after the preview, and
the background job that imports a large one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, LargeBinary, String, Text, UniqueConstraint, false
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


QUEUED = "queued"
RUNNING = "running"
REMOVING = "removing"  # cancelled or failed: its rows are being deleted
DONE = "done"
CANCELLED = "cancelled"
FAILED = "failed"
UNFINISHED = (QUEUED, RUNNING, REMOVING)


class ImportJob(OwnedMixin, db.Model):
    """A confirmed import written in short transactions by a job runner (see
    :mod:`journal.imports.jobs`). It keeps its own copy of the upload, so a new upload
    or the day-old clean-up of waiting uploads never takes its source away.

    Entries and tags it writes carry its id and stay invisible (see
    :func:`journal.ownership.visible_rows`) until its state is ``done``."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default=QUEUED, index=True)
    filename: Mapped[str] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64))
    date_undated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # emptied once the job has finished
    data: Mapped[bytes] = mapped_column(LargeBinary)
    total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # the sentence shown when it is done, or why it failed
    summary: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    # who works on it, and until when; a job whose lease has run out is taken over
    worker: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def finished(self) -> bool:
        return self.state not in UNFINISHED

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0
