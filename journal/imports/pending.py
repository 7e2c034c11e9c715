"""The upload between the preview and the confirmation: one per user, kept a day."""

import hashlib
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete

from journal.extensions import db
from journal.imports import readers
from journal.models import PendingImport, User, utcnow
from journal.ownership import owned, owned_delete
from journal.transfer.document import ParsedJournal

KEEP_FOR = timedelta(hours=24)


def store_pending(owner: User, *, filename: str, fmt: str, timezone: str,
                  data: bytes) -> PendingImport:
    """Keep ``data`` for ``owner``'s confirmation, replacing their previous upload and
    dropping anyone's uploads older than a day."""
    db.session.execute(owned_delete(PendingImport, owner))
    db.session.execute(delete(PendingImport).where(  # anyone's, once a day old
        PendingImport.created_at < utcnow() - KEEP_FOR))
    pending = PendingImport(owner_id=owner.id, filename=filename[:255], format=fmt,
                            timezone=timezone, data=data,
                            digest=hashlib.sha256(data).hexdigest())
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
    """The upload read again, exactly as for its preview. Raises ImportProblem."""
    return readers.read_journal(pending.data, filename=pending.filename, format=pending.format,
                        zone=ZoneInfo(pending.timezone))
