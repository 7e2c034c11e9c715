"""The job runner: a thread in each app process, or a process of its own.

Each app process starts one daemon thread the first time it serves a request (never
in ``create_app``: the factory has no side effects); a confirmed large import wakes
it at once, and otherwise it looks for work every few seconds, which is how a job
whose server died is taken over once its lease runs out. Deployments that prefer a
separate worker switch the threads off (``JOURNAL_IMPORT_RUNNER=false``) and run
``flask --app journal jobs``. Any number of runners may share a database: jobs are
claimed with a lease (:mod:`journal.imports.jobs`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

from flask import Flask

from journal.extensions import db
from journal.imports.jobs import work_available

log = logging.getLogger(__name__)

POLL_SECONDS = 5.0


def worker_name() -> str:
    """A name no other runner has: host, process and a random part."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Runner:
    """One app's runner thread in this process."""

    def __init__(self, app: Flask):
        self.app = app
        self.worker = worker_name()
        self.wake = threading.Event()
        self.pid = os.getpid()
        self.thread = threading.Thread(target=self._loop, name="import-jobs", daemon=True)

    def _loop(self) -> None:
        while True:
            self.wake.wait(POLL_SECONDS)
            self.wake.clear()
            with self.app.app_context():
                try:
                    work_available(self.worker)
                except Exception:  # the database may be away for a moment; try again later
                    log.exception("the import job runner failed")
                finally:
                    db.session.remove()


_lock = threading.Lock()
_runners: dict[int, Runner] = {}


def ensure_runner(app: Flask) -> Runner | None:
    """This process's runner for ``app``, started if it is not running yet (after a
    fork, too); None when the app runs no runner threads."""
    if not app.config["IMPORT_RUNNER"]:
        return None
    with _lock:
        runner = _runners.get(id(app))
        if runner is None or runner.pid != os.getpid():
            runner = _runners[id(app)] = Runner(app)
            runner.thread.start()
            runner.wake.set()
    return runner


def wake_runner(app: Flask) -> None:
    """Have this process's runner look for work now."""
    runner = ensure_runner(app)
    if runner is not None:
        runner.wake.set()
