"""Import jobs: a confirmed import written in short transactions, so that nobody else's
save, sign-in or page waits behind it.

How it stays all or nothing for its owner:

- The job is one row of ``import_jobs``. Every entry and every new tag it writes
  carries its id (``import_job_id``). :mod:`journal.ownership` leaves out the rows of
  the owner's *unfinished* jobs from every query of user data (entries list, tags,
  search, insights, export), so they do not exist for anyone until the job's state
  becomes ``done``: one row changes, and everything appears at once. The column is
  left as it is afterwards; a done job's rows are ordinary rows.
- Own prompts the file brings are hidden the same way (see
  :func:`journal.ownership.own_prompts`); hidden prompts and the account's time zone
  from the file arrive with the last batch.
- A cancelled or failed job turns ``removing``: its rows stay hidden while they are
  deleted in batches, then it ends ``cancelled`` or ``failed``.

Whose key it writes with: entries, tags and the file itself are sealed under the
owner's data key, which no runner has of its own. A job is started or resumed by a
request of its owner's signed-in session, which hands the key to its process's runner
(:mod:`journal.imports.runner`) to hold in memory for that job only; a runner claims
a job only when it holds the key of the job's owner (or the account has no keys, or
the job is only being removed). A job found without its key (its server restarted,
its lease ran out) waits as it is, progress kept, until the owner's next request on
the import pages hands the key over again.

How it survives a crash and several servers:

- A worker claims a job with a conditional UPDATE (its lease has run out or was never
  taken) and holds it with a lease that every batch renews. Each batch's transaction
  renews the lease *and* writes the entries, conditionally on still holding it: a
  worker that lost its job (to a cancel, or to another worker after a stall) writes
  nothing more. A crashed worker's lease runs out and another that holds the key
  takes the job over.
- Taking over resumes: the file is read again (the job keeps its own copy) and
  planned again with the entries the job already wrote counting as already there
  (:func:`journal.imports.services.plan_import` with ``job``), so nothing is written
  twice and nothing is lost. ``done`` counts what was written, in the same
  transactions as the entries.

Reading the file and planning happen outside any write transaction
(:func:`journal.database.reading`): on SQLite the write lock is held only for a batch.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, or_, select, update

from journal.crypto import keyring
from journal.crypto.rows import LOCKED, JournalLocked, Unreadable
from journal.database import reading
from journal.extensions import db
from journal.fulltext.index import unindex_entries
from journal.imports import readers
from journal.imports.limits import ImportsBusy, parsing_slot
from journal.imports.pending import discard_pending
from journal.imports.preview import result_message
from journal.imports.services import (
    ImportPlan,
    ImportResult,
    Targets,
    finish_import,
    plan_import,
    prepare_import,
    write_entries,
)
from journal.models import AccountKey, Entry, ImportJob, PendingImport, Prompt, Tag, User, utcnow
from journal.models.imports import (
    CANCELLED,
    DONE,
    FAILED,
    QUEUED,
    REMOVING,
    RUNNING,
    UNFINISHED,
)
from journal.ownership import owned, owned_columns, owned_delete, owned_update
from journal.transfer.document import ImportProblem

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
SERVER_ERROR = ("The import stopped because of a problem on the server. Nothing was "
                "imported; try again, and tell your administrator if it happens again.")
REFUSED = "Nothing was imported: the file could not be read."
DAMAGED_FILE = ("Nothing was imported: the stored copy of the file does not open (it was "
                "changed or damaged). Upload the file again.")


class LostLease(Exception):
    """The job was cancelled or taken over: this worker stops writing."""


def queue_job(owner: User, pending: PendingImport, *, date_undated: bool,
              worker: str | None = None) -> ImportJob:
    """Turn ``owner``'s waiting upload into a queued job (the upload is discarded: the
    job keeps its own copy, sealed for it). With ``worker``, that worker holds it from
    the start, so no runner takes it while the caller decides whether to run it itself.
    Needs the owner's data key for an encrypted journal (raises Unreadable or
    JournalLocked without it)."""
    job = ImportJob(owner_id=owner.id, state=QUEUED, filename=pending.filename,
                    format=pending.format, timezone=pending.timezone,
                    date_undated=date_undated)
    job.keep_file(pending.opened_file())
    if worker is not None:
        job.worker, job.lease_until = worker, utcnow() + LEASE
    db.session.add(job)
    discard_pending(pending)
    db.session.flush()
    return job


def queue_file(owner: User, *, filename: str, fmt: str, timezone: str, data: bytes,
               date_undated: bool, worker: str) -> ImportJob:
    """A job for a file read elsewhere (the command line), held by ``worker``."""
    job = ImportJob(owner_id=owner.id, state=QUEUED, filename=filename[:255], format=fmt,
                    timezone=timezone, date_undated=date_undated,
                    worker=worker, lease_until=utcnow() + LEASE)
    job.keep_file(data)
    db.session.add(job)
    db.session.flush()
    return job


def current_jobs(owner: User) -> list[ImportJob]:
    """``owner``'s unfinished jobs and the last finished one, newest first."""
    unfinished = list(db.session.scalars(
        owned(ImportJob, owner).where(ImportJob.state.in_(UNFINISHED))
        .order_by(ImportJob.id.desc())))
    last = db.session.scalar(owned(ImportJob, owner).where(ImportJob.state.not_in(UNFINISHED))
                             .order_by(ImportJob.id.desc()).limit(1))
    return unfinished + ([last] if last is not None else [])


def unfinished_job(owner: User) -> ImportJob | None:
    """``owner``'s import under way, if any (one at a time: a second import could not
    yet tell the first one's entries from its own)."""
    return db.session.scalar(owned(ImportJob, owner).where(ImportJob.state.in_(UNFINISHED))
                             .order_by(ImportJob.id).limit(1))


def cancel_job(job: ImportJob) -> bool:
    """Ask for ``job`` to be undone: whoever works on it stops at its next batch, and a
    runner removes what it wrote. False when it had already finished."""
    if job.state not in (QUEUED, RUNNING):
        return False
    job.state, job.worker, job.lease_until = REMOVING, None, None
    db.session.flush()
    return True


# --- the worker's side ---------------------------------------------------------------


def release_job(job_id: int, worker: str) -> str:
    """Hand a queued job ``worker`` holds over to the runners."""
    _hold(job_id, worker, QUEUED, worker=None, lease_until=None)
    db.session.commit()
    return QUEUED


def may_write_for(owner_id: int) -> bool:
    """Whether this context can write an import for ``owner_id``: it holds their data
    key, or the account has no keys."""
    return keyring.holds(owner_id) or keyring.public_key(owner_id) is None


def claim_job(worker: str, *, among: list[int] | None = None) -> int | None:
    """Take the oldest unfinished job nobody holds (or whose holder's lease ran out)
    and that this context can work on (see :func:`may_write_for`; removing needs no
    key) for ``worker``, optionally ``among`` some jobs only; its id, or None when there
    is none. Jobs whose owner's key is not here are left waiting. Commits."""
    now = utcnow()
    free = (ImportJob.state.in_(UNFINISHED),
            or_(ImportJob.lease_until.is_(None), ImportJob.lease_until < now))
    if among is not None:
        free = (*free, ImportJob.id.in_(among))
    with reading():
        waiting = db.session.execute(
            select(ImportJob.id, ImportJob.owner_id, ImportJob.state,
                   AccountKey.user_id.is_not(None))
            .outerjoin(AccountKey, AccountKey.user_id == ImportJob.owner_id)
            .where(*free).order_by(ImportJob.id)).all()
        candidate = next((job_id for job_id, owner_id, state, has_keys in waiting
                          if state == REMOVING or not has_keys
                          or keyring.holds(owner_id)), None)
        db.session.rollback()
    if candidate is None:
        return None
    taken = db.session.execute(update(ImportJob).where(ImportJob.id == candidate, *free)
                               .values(worker=worker, lease_until=now + LEASE)).rowcount
    db.session.commit()
    return candidate if taken == 1 else None


def _hold(job_id: int, holder: str, in_state: str, /, **values) -> None:
    """Renew ``holder``'s lease on the job (and set ``values``) in the current
    transaction; LostLease when it no longer holds the job in ``in_state``."""
    held = db.session.execute(
        update(ImportJob).where(ImportJob.id == job_id, ImportJob.worker == holder,
                                ImportJob.state == in_state)
        .values({"lease_until": utcnow() + LEASE, **values})).rowcount
    if held != 1:
        db.session.rollback()
        raise LostLease(job_id)


def _settings() -> tuple[int, float]:
    config = current_app.config
    return config["IMPORT_BATCH_SIZE"], config["IMPORT_BATCH_PAUSE"]


def run_job(job_id: int, worker: str, *, inline_limit: int | None = None,
            progress: Callable[[int], None] | None = None,
            stop_after: int | None = None) -> str:
    """Work on a job ``worker`` holds until it is finished; its state then. With
    ``inline_limit``, a job with that many entries to write or more is handed back to
    the runners (state ``queued``) instead. ``stop_after`` batches, the worker stops as
    if it had crashed (for tests). Returns early, writing nothing more, when the lease
    is lost."""
    try:
        return _run(job_id, worker, inline_limit, progress, stop_after)
    except LostLease:
        db.session.rollback()
        return db.session.scalar(select(ImportJob.state).where(ImportJob.id == job_id)) or ""
    except JournalLocked:  # a write that needs the journal's key, without it here
        db.session.rollback()
        return _step_back(job_id, worker)
    except Exception:
        log.exception("import job %s failed", job_id)
        db.session.rollback()
        try:
            _give_up(job_id, worker, SERVER_ERROR)
            return _remove(job_id, worker)
        except LostLease:
            db.session.rollback()
            return ""


def _run(job_id: int, worker: str, inline_limit: int | None,
         progress: Callable[[int], None] | None, stop_after: int | None) -> str:
    with reading():
        job = db.session.get(ImportJob, job_id, populate_existing=True)
        state = job.state if job is not None else ""
        if job is None or job.worker != worker or state not in UNFINISHED:
            db.session.rollback()
            return state
        if state != REMOVING:
            if not may_write_for(job.owner_id):
                db.session.rollback()
                return _step_back(job_id, worker)
            try:
                source = (job.opened_file(), job.filename, job.format, ZoneInfo(job.timezone))
            except Unreadable as unreadable:
                db.session.rollback()
                if unreadable.reason == LOCKED:
                    return _step_back(job_id, worker)
                _give_up(job_id, worker, DAMAGED_FILE)
                return _remove(job_id, worker)
            undated = job.date_undated
            owner = db.session.get(User, job.owner_id)
        db.session.rollback()
    if state == REMOVING:
        return _remove(job_id, worker)
    data, filename, fmt, zone = source
    try:
        with parsing_slot():
            journal = readers.read_journal(data, filename=filename, format=fmt, zone=zone)
            with reading():
                plan = plan_import(owner, journal, date_undated=undated, job=job_id)
                db.session.rollback()
    except ImportsBusy:  # other imports are being read: back in the queue, tried again later
        db.session.rollback()
        return release_job(job_id, worker)
    except ImportProblem as problem:
        db.session.rollback()
        _give_up(job_id, worker, REFUSED, problem=str(problem))
        return _remove(job_id, worker)
    if inline_limit is not None and len(plan.new_entries) >= inline_limit:
        return release_job(job_id, worker)
    targets = _start(job_id, worker, owner, plan)
    return _write(job_id, worker, owner, plan, targets, progress, stop_after)


def _start(job_id: int, worker: str, owner: User, plan: ImportPlan) -> Targets:
    """Mark the job running; store its prompts and tags (again, harmlessly, on resume)
    and, the first time, how many entries it will write."""
    job = db.session.get(ImportJob, job_id, populate_existing=True)
    first = job.state == QUEUED
    _hold(job_id, worker, job.state, state=RUNNING)
    result = ImportResult(entries=len(plan.new_entries), already_here=plan.already_here,
                          repeat_counts=plan.repeat_counts,
                          undated_left_out=0 if plan.date_undated else len(plan.journal.undated))
    targets = prepare_import(owner, plan, result, job=job_id)
    if first:
        job.total, job.summary = len(plan.new_entries), result_message(result)
    db.session.commit()
    return targets


def _write(job_id: int, worker: str, owner: User, plan: ImportPlan, targets: Targets,
           progress: Callable[[int], None] | None, stop_after: int | None) -> str:
    size, pause = _settings()
    for batches, first in enumerate(range(0, len(plan.new_entries), size)):
        if stop_after is not None and batches >= stop_after:
            db.session.rollback()
            return RUNNING
        written = min(size, len(plan.new_entries) - first)
        _hold(job_id, worker, RUNNING, done=ImportJob.done + written)
        write_entries(owner, plan, first, first + size, targets, job=job_id)
        db.session.commit()
        if progress:
            progress(written)
        time.sleep(pause)  # room for anyone waiting for the write lock
    _hold(job_id, worker, RUNNING, state=DONE, worker=None, lease_until=None,
          total=ImportJob.done, stored_file=b"", finished_at=utcnow())
    finish_import(owner, plan)
    db.session.execute(owned_update(Tag, owner, job=job_id)
                       .where(Tag.import_job_id == job_id).values(import_job_id=None))
    db.session.execute(update(Prompt).where(Prompt.import_job_id == job_id)
                       .values(import_job_id=None))
    db.session.commit()
    return DONE


def _give_up(job_id: int, worker: str, error: str, *, problem: str | None = None) -> None:
    """Mark the job for removal with ``error`` (the journal's own words), keeping it for
    this worker; ``problem``, the reader's message (it may quote the file), is sealed
    with the job (this worker holds the key: it was reading the file)."""
    held = db.session.execute(
        update(ImportJob).where(ImportJob.id == job_id, ImportJob.worker == worker,
                                ImportJob.state.in_(UNFINISHED))
        .values(state=REMOVING, error=error, lease_until=utcnow() + LEASE)).rowcount
    if held == 1 and problem is not None:
        db.session.get(ImportJob, job_id, populate_existing=True).problem = problem
    db.session.commit()
    if held != 1:
        raise LostLease(job_id)


def _step_back(job_id: int, worker: str) -> str:
    """Let go of a job this worker cannot write (it does not hold the owner's key): it
    waits, its progress kept, for a request of its owner to hand the key over. Its
    state."""
    db.session.rollback()
    db.session.execute(update(ImportJob).where(ImportJob.id == job_id,
                                               ImportJob.worker == worker)
                       .values(worker=None, lease_until=None))
    db.session.commit()
    return db.session.scalar(select(ImportJob.state).where(ImportJob.id == job_id)) or ""


def _remove(job_id: int, worker: str) -> str:
    """Delete what the job wrote, a batch per transaction, then end it."""
    size, pause = _settings()
    owner_id = db.session.scalar(select(ImportJob.owner_id).where(ImportJob.id == job_id))
    while True:
        _hold(job_id, worker, REMOVING)
        ids = list(db.session.scalars(
            owned_columns(Entry, owner_id, Entry.id, job=job_id)
            .where(Entry.import_job_id == job_id).limit(size)))
        if not ids:
            break
        unindex_entries(db.session.connection(), ids)
        db.session.execute(owned_delete(Entry, owner_id, job=job_id)
                           .where(Entry.id.in_(ids)))
        db.session.commit()
        time.sleep(pause)
    db.session.execute(owned_delete(Tag, owner_id, job=job_id)
                       .where(Tag.import_job_id == job_id))
    db.session.execute(delete(Prompt).where(Prompt.import_job_id == job_id))
    error = db.session.scalar(select(ImportJob.error).where(ImportJob.id == job_id))
    final = FAILED if error else CANCELLED
    _hold(job_id, worker, REMOVING, state=final, worker=None, lease_until=None,
          stored_file=b"", finished_at=utcnow())
    db.session.commit()
    return final


def work_available(worker: str, *, among: list[int] | None = None) -> int:
    """Run every job there is to run that this context can work on (optionally
    ``among`` some jobs only), one after another; how many were worked on."""
    count = 0
    while (job_id := claim_job(worker, among=among)) is not None:
        run_job(job_id, worker)
        count += 1
    return count
