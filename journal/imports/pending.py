"""The upload between the preview and the confirmation: one per user, kept a day,
sealed under its owner's data key (see :class:`journal.models.imports.SealedUpload`)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete

from journal.crypto.rows import Unreadable
from journal.extensions import db
from journal.imports import readers
from journal.models import PendingImport, User, utcnow
from journal.ownership import owned, owned_delete
from journal.transfer.document import ImportProblem, ParsedJournal

KEEP_FOR = timedelta(hours=24)


def store_pending(owner: User, *, filename: str, fmt: str, timezone: str,
                  data: bytes) -> PendingImport:
    """Keep ``data`` for ``owner``'s confirmation, replacing their previous upload and
    dropping anyone's uploads older than a day. Needs the owner's data key for an
    encrypted journal (raises JournalLocked)."""
    db.session.execute(owned_delete(PendingImport, owner))
    db.session.execute(delete(PendingImport).where(  # anyone's, once a day old
        PendingImport.created_at < utcnow() - KEEP_FOR))
    pending = PendingImport(owner_id=owner.id, filename=filename[:255], format=fmt,
                            timezone=timezone)
    pending.keep_file(data)
    db.session.add(pending)
    db.session.flush()
    return pending


def pending_for(owner: User) -> PendingImport | None:
    """``owner``'s upload waiting for confirmation, unless it is over a day old."""
    return db.session.scalar(owned(PendingImport, owner)
                             .where(PendingImport.created_at >= utcnow() - KEEP_FOR))


def discard_pending(pending: PendingImport) -> None:
    db.session.delete(pending)
    db.session.flush()


def read_pending(pending: PendingImport) -> ParsedJournal:
    """The upload read again, exactly as for its preview. Raises ImportProblem (also
    when this request cannot open it)."""
    try:
        data = pending.opened_file()
    except Unreadable:
        raise ImportProblem("The upload cannot be opened in this session; choose the file "
                            "again.") from None
    return readers.read_journal(data, filename=pending.filename, format=pending.format,
                                zone=ZoneInfo(pending.timezone))
