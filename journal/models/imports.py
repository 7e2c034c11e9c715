"""An uploaded file waiting for its owner to confirm the import after the preview, and
the background job that imports a large one.

Both hold the person's file and its name, so both are sealed rows
(:mod:`journal.models.sealed`): the name (and a job's reader message, which may quote
the file) in the row's sealed fields, the file itself in ``data``, sealed whole under
the owner's data key and bound to the same row. Nothing else here is something a
person wrote: formats, zones, counts, states and the journal's own sentences."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import Boolean, Integer, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from journal.crypto.keyring import data_key, public_key
from journal.crypto.rows import JournalLocked, new_uid, open_bytes, seal_bytes
from journal.crypto.values import context
from journal.extensions import db
from journal.models.base import OwnedMixin, UTCDateTime, utcnow
from journal.models.sealed import SealedField, SealedRow


class SealedUpload(SealedRow):
    """A row that keeps an uploaded file. The file is sealed under the owner's data key
    (never to the public key: only work holding the data key may read an import), so
    such a row of an encrypted journal can only be written by work that holds it; an
    account without keys keeps the file and fields as they are, like its entries."""

    stored_file: Mapped[bytes] = mapped_column("data", LargeBinary)

    def keep_file(self, data: bytes) -> None:
        """Store ``data`` for the row's owner. Raises :class:`JournalLocked` when the
        account has keys and this context does not hold its data key."""
        if self.uid is None:
            self.uid = new_uid()
        key = self._file_key()
        self.stored_file = (seal_bytes(self.owner_id, data, self._file_context())
                            if key is not None else data)

    def opened_file(self) -> bytes:
        """The file as it was uploaded; raises :class:`Unreadable` when this context
        cannot open it."""
        stored = self.stored_file
        if not isinstance(stored, bytes):
            stored = bytes(stored)
        if self.sealed is None:  # an account without keys: kept as it came
            return stored
        return open_bytes(self.owner_id, stored, self._file_context())

    def seal_fields_now(self) -> None:
        self._file_key()
        super().seal_fields_now()

    def _file_key(self) -> bytes | None:
        key = data_key(self.owner_id)
        if key is None and public_key(self.owner_id) is not None:
            raise JournalLocked("an import into an encrypted journal needs its data key")
        return key

    def _file_context(self) -> bytes:
        return context(self.__tablename__, "data", self.owner_id, bytes(self.uid).hex())


class PendingImport(SealedUpload, OwnedMixin, db.Model):
    """At most one per user: a new upload replaces the previous one. The file is kept
    as uploaded and read again when the import is confirmed, so what is stored is
    exactly what the preview described. Removed on import, on cancel, with the
    account, and a day after upload."""

    __tablename__ = "pending_imports"
    __table_args__ = (UniqueConstraint("owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Sealed: the name of the uploaded file.
    filename = SealedField("")
    PLAIN_COLUMNS = {"filename": ("plain_filename", "")}
    plain_filename: Mapped[str] = mapped_column("filename", String(255))
    # The format the user chose, or the one detected when they left it to the journal.
    format: Mapped[str] = mapped_column(String(16))
    # The zone for local times without an offset (jrnl dates, some Markdown files).
    timezone: Mapped[str] = mapped_column(String(64))
    # Of the row's random uid and the stored (sealed) file: the confirm form carries it,
    # so a confirmation meant for one upload never imports another that replaced it in a
    # second tab. It says nothing about the file: the same file uploaded twice, or by
    # two people, gets unrelated digests.
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def keep_file(self, data: bytes) -> None:
        super().keep_file(data)
        self.digest = hashlib.sha256(bytes(self.uid) + self.stored_file).hexdigest()


QUEUED = "queued"
RUNNING = "running"
REMOVING = "removing"  # cancelled or failed: its rows are being deleted
DONE = "done"
CANCELLED = "cancelled"
FAILED = "failed"
UNFINISHED = (QUEUED, RUNNING, REMOVING)
# States in which a job writes, which for an encrypted journal needs its data key.
WRITING = (QUEUED, RUNNING)


class ImportJob(SealedUpload, OwnedMixin, db.Model):
    """A confirmed import written in short transactions by a job runner (see
    :mod:`journal.imports.jobs`). It keeps its own copy of the upload, so a new upload
    or the day-old clean-up of waiting uploads never takes its source away.

    Entries and tags it writes carry its id and stay invisible (see
    :func:`journal.ownership.visible_rows`) until its state is ``done``."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default=QUEUED, index=True)
    # Sealed: the name of the file, and why the file could not be imported in the
    # reader's words (they may quote it).
    filename = SealedField("")
    problem = SealedField()
    PLAIN_COLUMNS = {"filename": ("plain_filename", ""), "problem": ("plain_problem", None)}
    plain_filename: Mapped[str] = mapped_column("filename", String(255))
    plain_problem: Mapped[str | None] = mapped_column("problem", Text)
    format: Mapped[str] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64))
    date_undated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # (``data``, sealed: emptied once the job has finished)
    total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # the sentence shown when it is done (figures only)
    summary: Mapped[str | None] = mapped_column(Text)
    # why it failed, in the journal's own words (never the file's): set means failed
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
    def waiting(self) -> bool:
        """Whether it is to write but nobody works on it: it continues once a request
        of its owner brings the journal's key."""
        return self.state in WRITING and (self.lease_until is None
                                          or self.lease_until < utcnow())

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def reason(self) -> str | None:
        """Why it failed, as its owner reads it: the reader's words when they open."""
        problem = self.problem
        if problem:
            return f"Nothing was imported: {problem}"
        return self.error
