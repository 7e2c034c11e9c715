"""How many imports are read at once, counted across every process that shares the
database.

Reading an upload takes memory in proportion to the file (``bench/import_memory.py``
measures it): two at once are fine on a small server, a dozen are not. So reading
holds one of ``IMPORT_CONCURRENCY`` slots (``JOURNAL_IMPORT_CONCURRENCY``, default 2).
Slots are leases in the table ``import_slots``, one row per slot taken, so every
gunicorn worker and every app server on the same database counts the same slots.
A slot is taken by inserting its row (the primary key makes that atomic: of two
processes inserting slot 1, one fails and tries slot 2) and given back by deleting
it. A process that dies while reading leaves its row behind; the lease expires after
``IMPORT_SLOT_SECONDS`` (default 300) and the next claim removes it.

Usage::

    try:
        with parsing_slot():
            journal = read_journal(...)
    except ImportsBusy as busy:
        ...  # answer 503 with Retry-After: busy.retry_after
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from journal.extensions import db
from journal.models import ImportSlot, utcnow

BUSY_MESSAGE = "Another import is being read; try again in a minute."
RETRY_AFTER_SECONDS = 60


class ImportsBusy(Exception):
    """Every slot is taken. ``str()`` is the message for the user; ``retry_after`` is
    how many seconds to suggest waiting."""

    retry_after = RETRY_AFTER_SECONDS

    def __init__(self, message: str = BUSY_MESSAGE):
        super().__init__(message)


@dataclass
class Lease:
    """A slot held until :meth:`release`; :meth:`renew` keeps a long reading's slot."""

    slot: int
    holder: str
    duration: timedelta

    def renew(self) -> None:
        """Push the expiry ``duration`` past now (and commit), for work that may take
        longer than one lease."""
        db.session.execute(update(ImportSlot)
                           .where(ImportSlot.slot == self.slot, ImportSlot.holder == self.holder)
                           .values(expires_at=utcnow() + self.duration))
        db.session.commit()

    def release(self) -> None:
        """Give the slot back (and commit). When that fails the lease just expires."""
        for _attempt in range(2):
            try:
                db.session.execute(delete(ImportSlot).where(ImportSlot.slot == self.slot,
                                                            ImportSlot.holder == self.holder))
                db.session.commit()
                return
            except SQLAlchemyError:
                db.session.rollback()


@contextmanager
def parsing_slot() -> Iterator[Lease]:
    """Hold one of the ``IMPORT_CONCURRENCY`` slots while the block runs; raises
    :class:`ImportsBusy` at once, before the block, when none is free.

    The session is committed when the slot is taken and when it is given back, so
    every other process sees the lease at once: enter with no writes pending that
    should not be committed. Holding no transaction while the block reads a large file
    also keeps SQLite's write lock free for everyone else."""
    config = current_app.config
    lease = _claim(int(config["IMPORT_CONCURRENCY"]),
                   timedelta(seconds=int(config["IMPORT_SLOT_SECONDS"])))
    if lease is None:
        raise ImportsBusy()
    try:
        yield lease
    finally:
        lease.release()


def _claim(count: int, duration: timedelta) -> Lease | None:
    """The first free slot of ``1..count``, taken and committed; None when all are
    taken. Expired leases are removed first."""
    db.session.commit()  # so that the claim starts a transaction of its own with a write
    now = utcnow()
    db.session.execute(delete(ImportSlot).where(ImportSlot.expires_at < now))
    db.session.commit()
    holder = secrets.token_hex(16)
    for slot in range(1, count + 1):
        try:
            with db.session.begin_nested():
                db.session.execute(insert(ImportSlot).values(slot=slot, holder=holder,
                                                             expires_at=now + duration))
        except IntegrityError:
            continue  # someone holds this slot
        db.session.commit()
        return Lease(slot, holder, duration)
    db.session.commit()
    return None
