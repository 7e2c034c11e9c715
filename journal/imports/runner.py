"""The job runner: a thread in each app process, or a process of its own.

Each app process has one runner. Its thread works on the jobs its owners' requests hand
it: a request of the owner's signed-in session that starts an import, or finds one
waiting for its key (on the import page, the job's page or its status), gives the
runner the journal's data key, which the runner keeps in memory for that job alone and
grants into the app context it works in (:func:`journal.crypto.keyring.grant`). It is
never stored: a job whose server restarted waits, its progress kept, until the owner's
next such request. The key is let go as soon as the job has finished, or is held by
another runner.

With ``IMPORT_RUNNER`` (the default) the thread also looks for other work every few
seconds: jobs of accounts without keys, and removing what a cancelled or failed job
wrote, which needs no key. Deployments that prefer a separate worker for that switch it
off (``JOURNAL_IMPORT_RUNNER=false``) and run ``flask --app journal jobs``; their web
processes still run the imports their owners start, since only they can hold the key.
The thread starts with the process's first request or first hand-over (never in
``create_app``: the factory has no side effects); ``IMPORT_THREADS=False`` starts
none at all, for tests that run jobs themselves (:meth:`Runner.work_once`). Any number
of runners may share a database: jobs are claimed with a lease
(:mod:`journal.imports.jobs`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

from flask import Flask
from sqlalchemy import select

from journal.crypto import keyring
from journal.extensions import db
from journal.imports.jobs import work_available
from journal.models import ImportJob, utcnow
from journal.models.imports import WRITING

log = logging.getLogger(__name__)

POLL_SECONDS = 5.0


def worker_name() -> str:
    """A name no other runner has: host, process and a random part."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Runner:
    """One app's runner in this process: the keys handed to it, and its thread."""

    def __init__(self, app: Flask):
        self.app = app
        self.worker = worker_name()
        self.wake = threading.Event()
        self.pid = os.getpid()
        self.thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._keys: dict[int, tuple[int, bytes]] = {}  # job id -> (owner id, data key)

    def start(self) -> None:
        """Start the thread, once, unless the app runs no threads."""
        with self._lock:
            if self.thread is not None or not self.app.config["IMPORT_THREADS"]:
                return
            self.thread = threading.Thread(target=self._loop, name="import-jobs", daemon=True)
            self.thread.start()
        self.wake.set()

    def take(self, job_id: int, owner_id: int, data_key: bytes) -> None:
        """Hold ``owner_id``'s data key for ``job_id`` and work on it now."""
        with self._lock:
            self._keys[job_id] = (owner_id, data_key)
        self.wake.set()

    def holds_key_for(self, job_id: int) -> bool:
        with self._lock:
            return job_id in self._keys

    def _loop(self) -> None:
        while True:
            self.wake.wait(POLL_SECONDS)
            self.wake.clear()
            self.work_once()

    def work_once(self) -> int:
        """Work on what there is, in an app context of its own holding the keys handed
        over; how many jobs were worked on."""
        with self._lock:
            held = dict(self._keys)
        polls = self.app.config["IMPORT_RUNNER"]
        if not held and not polls:
            return 0
        with self.app.app_context():
            try:
                for owner_id, data_key in held.values():
                    keyring.grant(owner_id, data_key)
                count = work_available(self.worker, among=None if polls else list(held))
                self._let_go(held)
                return count
            except Exception:  # the database may be away for a moment; try again later
                log.exception("the import job runner failed")
                return 0
            finally:
                db.session.remove()

    def _let_go(self, held: dict[int, tuple[int, bytes]]) -> None:
        """Forget the keys of jobs that no longer need this runner: finished, being
        removed, gone, or held by another runner."""
        if not held:
            return
        now = utcnow()
        rows = db.session.execute(select(ImportJob.id, ImportJob.state, ImportJob.worker,
                                         ImportJob.lease_until)
                                  .where(ImportJob.id.in_(list(held)))).all()
        needed = {job_id for job_id, state, worker, lease in rows
                  if state in WRITING and (worker in (None, self.worker)
                                           or lease is None or lease < now)}
        db.session.rollback()
        with self._lock:
            for job_id in held:
                if job_id not in needed:
                    self._keys.pop(job_id, None)


_lock = threading.Lock()
EXTENSION = "journal.import_runner"


def runner_for(app: Flask) -> Runner:
    """This process's runner for ``app`` (a new one after a fork: keys and threads are
    not inherited)."""
    with _lock:
        runner = app.extensions.get(EXTENSION)
        if runner is None or runner.pid != os.getpid():
            runner = app.extensions[EXTENSION] = Runner(app)
    return runner


def ensure_runner(app: Flask) -> Runner | None:
    """This process's runner for ``app``, its thread started when it looks for work by
    itself (``IMPORT_RUNNER``); None when it does not."""
    if not app.config["IMPORT_RUNNER"]:
        return None
    runner = runner_for(app)
    runner.start()
    return runner


def wake_runner(app: Flask) -> None:
    """Have this process's runner look for work now."""
    runner = ensure_runner(app)
    if runner is not None:
        runner.wake.set()


def hand_over(app: Flask, job_id: int, owner_id: int) -> bool:
    """From a request of ``owner_id``'s session: give this process's runner the data
    key this request holds, for ``job_id`` (one of theirs, waiting), and start it on it.
    False when the request holds no key (the account has none: any runner takes the
    job; or the session cannot open the journal: the job waits)."""
    data_key = keyring.data_key(owner_id)
    if data_key is None:
        wake_runner(app)
        return False
    runner = runner_for(app)
    runner.take(job_id, owner_id, data_key)
    runner.start()
    return True
