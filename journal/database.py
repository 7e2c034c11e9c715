"""Connection set-up for SQLite: WAL, foreign keys, a busy timeout, and write
transactions that take the write lock up front.

A deferred SQLite transaction that reads first and writes later can fail with
"database is locked" when another process wrote in between, whatever the busy
timeout. So requests that may write (anything but GET, HEAD and OPTIONS) and CLI
commands begin with ``BEGIN IMMEDIATE``; reads begin with a plain ``BEGIN`` so
readers never queue behind one another. This is SQLAlchemy's documented recipe
for pysqlite: turn off the driver's own transaction handling and emit BEGIN in
the ``begin`` event. Code that only reads for a while before it writes (an import
job planning its batches) does so ``with reading():`` and ends that transaction
before writing, so it never holds the write lock while it thinks.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 10_000
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# What SQLite (and PostgreSQL, given a lock_timeout) say when a lock was not granted.
LOCK_MESSAGES = ("database is locked", "database table is locked", "lock timeout",
                 "could not obtain lock")


def is_lock_timeout(error: BaseException) -> bool:
    """Whether ``error`` (an OperationalError) means a lock was waited for in vain."""
    text = str(getattr(error, "orig", error)).lower()
    return any(message in text for message in LOCK_MESSAGES)


_reading: ContextVar[bool] = ContextVar("reading", default=False)


@contextmanager
def reading() -> Iterator[None]:
    """Transactions begun inside take no write lock on SQLite (a plain ``BEGIN``).
    The caller ends such a transaction (commit or rollback) before it writes."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def _is_sqlite(dbapi_connection) -> bool:
    return isinstance(dbapi_connection, sqlite3.Connection)


@event.listens_for(Engine, "connect")
def _configure_sqlite_connection(dbapi_connection, connection_record):
    if not _is_sqlite(dbapi_connection):
        return
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    # Freed space is overwritten with zeros: text replaced by its sealed form (or
    # deleted) does not linger in free pages.
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite_transaction(connection):
    if connection.dialect.name != "sqlite":
        return
    if _reading.get() or (has_request_context() and request.method in READ_ONLY_METHODS):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
