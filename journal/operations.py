"""Looking after a deployment: backups of the SQLite file, a health check of the
database, and the move from SQLite to PostgreSQL.

The commands in :mod:`journal.cli` call these functions; they raise
:class:`OperationError` with a message written for the person at the terminal.
"""

from __future__ import annotations

import os
import re
import secrets
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import Flask
from sqlalchemy import (
    Table,
    create_engine,
    delete,
    exists,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from journal.extensions import db
from journal.search.index import rebuild_index

BUSY_TIMEOUT_SECONDS = 10
BACKUP_NAME = re.compile(r"journal-(\d{8})-(\d{6})(?:-(\d+))?\.sqlite3")
SEARCH_TABLES = ("entries_fts", "search_documents")
# Throttling records that only matter for a quarter of an hour, and uploads waiting a
# day at most for their import to be confirmed: not worth moving.
TRANSIENT_TABLES = frozenset({"login_failures", "pending_imports"})
COPY_BATCH = 2_000
UPGRADE_HINT = "flask --app journal db upgrade"
REINDEX_HINT = "flask --app journal reindex"


class OperationError(Exception):
    """The operation cannot go on; the message says why and what to do."""


# --- The SQLite file ---------------------------------------------------------------------

def sqlite_file(engine: Engine, *, purpose: str) -> Path:
    """The database file behind ``engine``. ``purpose`` names the operation, for the
    message when the deployment is not on an SQLite file."""
    if engine.dialect.name != "sqlite":
        raise OperationError(
            f"{purpose} works on the SQLite database file, and this journal uses "
            f"{engine.dialect.name}. Back up PostgreSQL with its own tool, for example: "
            "pg_dump --format=custom --file journal.dump postgresql://USER@HOST/DATABASE "
            "(restore with pg_restore; see the README)."
        )
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise OperationError(f"{purpose} needs a database file, not {name or 'memory'!r}.")
    path = Path(name)
    if not path.is_file():
        raise OperationError(
            f"There is no database at {path}. Create it with: {UPGRADE_HINT}")
    return path


def _open_sqlite(path: Path) -> sqlite3.Connection:
    """A plain connection to an existing database file, outside SQLAlchemy: no
    ``BEGIN IMMEDIATE``, so it never takes the write lock by itself."""
    connection = sqlite3.connect(path.absolute().as_uri() + "?mode=rw", uri=True,
                                 timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
    return connection


# --- Backups -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    seconds: float
    removed: tuple[Path, ...]


def backup_sqlite(database: Path, folder: Path, *, keep: int,
                  now: datetime | None = None) -> Backup:
    """Copy ``database`` to ``folder/journal-YYYYMMDD-HHMMSS.sqlite3`` (UTC; a ``-2``,
    ``-3``... suffix when that second is taken), check the copy, then keep only the
    newest ``keep`` backups in ``folder``.

    SQLite's online backup copies the whole file in one step inside a read transaction:
    the copy is the database as of one moment, and in WAL mode the site keeps writing
    meanwhile (a reader never blocks a writer). The copy is written under a temporary
    name, made a single self-contained file (journal mode DELETE), passes
    ``PRAGMA integrity_check`` and only then gets its final name, so a backup file with
    the pattern's name is always complete. Files are readable by their owner only.
    """
    if keep < 1:
        raise OperationError("Keep at least one backup.")
    started = time.perf_counter()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = folder / f".journal-backup-{os.getpid()}-{secrets.token_hex(4)}.partial"
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        _copy_database(database, partial)
        final = _claim_name(folder, now or datetime.now(UTC))
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    removed = prune_backups(folder, keep)
    return Backup(final, final.stat().st_size, time.perf_counter() - started, removed)


def _copy_database(database: Path, target: Path) -> None:
    source = _open_sqlite(database)
    try:
        copy = sqlite3.connect(target, isolation_level=None)
        try:
            source.backup(copy)  # pages=-1: everything in one step, one snapshot
            copy.execute("PRAGMA journal_mode = DELETE")
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise OperationError("The copy failed its integrity check: "
                                     + "; ".join(problems[:5]))
        finally:
            copy.close()
    finally:
        source.close()
    with open(target, "rb") as handle:
        os.fsync(handle.fileno())


def _claim_name(folder: Path, moment: datetime) -> Path:
    """Reserve the backup's name: the first free of ``journal-<UTC second>.sqlite3``,
    ``...-2.sqlite3``, ``...-3.sqlite3``, created exclusively so two backups in the same
    second never overwrite each other."""
    stamp = moment.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    number = 1
    while True:
        name = f"journal-{stamp}.sqlite3" if number == 1 else f"journal-{stamp}-{number}.sqlite3"
        path = folder / name
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            number += 1
            continue
        return path


def backups_in(folder: Path) -> list[Path]:
    """The backup files in ``folder``, newest first. Only names this module writes
    count; anything else in the folder is left alone."""
    found = []
    for path in folder.iterdir():
        match = BACKUP_NAME.fullmatch(path.name)
        if match and path.is_file() and not path.is_symlink():
            day, second, number = match.groups()
            found.append(((day, second, int(number or 1)), path))
    return [path for _, path in sorted(found, reverse=True)]


def prune_backups(folder: Path, keep: int) -> tuple[Path, ...]:
    """Delete all but the newest ``keep`` backups; returns the deleted paths."""
    removed = tuple(backups_in(folder)[keep:])
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


# --- Checks ------------------------------------------------------------------------------

@dataclass
class Report:
    """What was checked, line by line, and what is wrong."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def passed(self, line: str) -> None:
        self.lines.append(line)

    def failed(self, line: str, problem: str) -> None:
        self.lines.append(line)
        self.problems.append(problem)


def script_directory(app: Flask) -> ScriptDirectory:
    """The app's migration scripts, as Flask-Migrate configures them."""
    config = app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config)


@dataclass(frozen=True)
class MigrationState:
    current: tuple[str, ...]
    heads: tuple[str, ...]
    known: frozenset[str]

    @property
    def up_to_date(self) -> bool:
        return bool(self.current) and set(self.current) == set(self.heads)


def migration_state(engine: Engine, scripts: ScriptDirectory) -> MigrationState:
    """The revision the database is at, against the newest the code has."""
    with engine.connect() as connection:
        current = tuple(MigrationContext.configure(connection).get_current_heads())
        connection.rollback()
    known = frozenset(script.revision for script in scripts.walk_revisions())
    return MigrationState(current, tuple(scripts.get_heads()), known)


def _describe_migrations(state: MigrationState, report: Report) -> None:
    newest = ", ".join(state.heads)
    at = ", ".join(state.current)
    if state.up_to_date:
        report.passed(f"migrations: at {at}, the newest")
    elif not state.current:
        report.failed("migrations: none applied",
                      f"The database has no schema. Create it with: {UPGRADE_HINT}")
    elif not set(state.current) <= state.known:
        report.failed(f"migrations: at {at}, which this version of the journal does not know",
                      f"The database was migrated by a newer version of the journal (at {at}; "
                      f"this code's newest is {newest}). Run that version, or restore a backup.")
    else:
        report.failed(f"migrations: at {at}, the newest is {newest}",
                      f"The schema is out of date (at {at}, newest {newest}). "
                      f"Run: {UPGRADE_HINT}")


def check_database(app: Flask) -> Report:
    """Check the app's database: page integrity and foreign keys (SQLite's pragmas; on
    PostgreSQL, which enforces both itself, a scan for rows whose reference is missing),
    the migration state, and that the search index holds exactly one document, under
    the right owner, per entry. Reads only."""
    engine = db.engine
    report = Report()
    if engine.dialect.name == "sqlite":
        path = sqlite_file(engine, purpose="check")  # before connecting creates an empty one
        state = migration_state(engine, script_directory(app))
        report.lines.append(f"database: SQLite file {path}")
        connection = _open_sqlite(path)
        try:
            connection.execute("BEGIN")  # one snapshot for every check, no write lock
            _sqlite_integrity(connection, report)
            _sqlite_foreign_keys(connection, report)
            _describe_migrations(state, report)
            if state.up_to_date:
                _search_index(lambda sql: connection.execute(sql).fetchall(), "sqlite", report)
        except sqlite3.DatabaseError as error:
            report.failed(f"stopped: {error}", f"The database file is damaged ({error}). "
                          "Restore the newest backup that passes this check.")
        finally:
            connection.close()
    else:
        state = migration_state(engine, script_directory(app))
        report.lines.append(f"database: {engine.dialect.name} "
                            f"{engine.url.render_as_string(hide_password=True)}")
        report.passed("integrity_check: skipped (an SQLite check; PostgreSQL checksums and "
                      "checks its own pages)")
        with engine.connect() as connection:
            _reference_scan(connection, report)
            _describe_migrations(state, report)
            if state.up_to_date:
                _search_index(lambda sql: connection.exec_driver_sql(sql).fetchall(),
                              engine.dialect.name, report)
            connection.rollback()
    return report


def _sqlite_integrity(connection: sqlite3.Connection, report: Report) -> None:
    messages = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    if messages == ["ok"]:
        report.passed("integrity_check: ok")
    else:
        report.failed(f"integrity_check: {len(messages)} problem(s)",
                      "The database file is damaged: " + "; ".join(messages[:10])
                      + ". Restore the newest backup that passes this check.")


def _sqlite_foreign_keys(connection: sqlite3.Connection, report: Report) -> None:
    broken = connection.execute("PRAGMA foreign_key_check").fetchall()
    if not broken:
        report.passed("foreign_key_check: ok")
        return
    examples = [f"{table} row {rowid} refers to a missing {parent} row"
                for table, rowid, parent, _ in broken[:10]]
    more = f" (and {len(broken) - 10} more)" if len(broken) > 10 else ""
    report.failed(f"foreign_key_check: {len(broken)} broken reference(s)",
                  "Broken references: " + "; ".join(examples) + more)


def _reference_scan(connection: Connection, report: Report) -> None:
    """PostgreSQL's stand-in for ``foreign_key_check``: count the rows of every
    foreign key in the model whose referenced row is missing."""
    checked, broken = 0, []
    for table in db.metadata.sorted_tables:
        for constraint in table.foreign_key_constraints:
            if len(constraint.elements) != 1:
                continue
            element = constraint.elements[0]
            child = element.parent
            parent = element.column.table.alias("referenced")
            parent_column = parent.c[element.column.key]
            missing = connection.scalar(
                select(func.count()).select_from(table).where(
                    child.is_not(None), ~exists().where(parent_column == child)))
            checked += 1
            if missing:
                broken.append(f"{missing} {table.name} row(s) refer to a missing "
                              f"{element.column.table.name} row ({child.name})")
    if broken:
        report.failed(f"foreign keys: {len(broken)} of {checked} references broken",
                      "Broken references: " + "; ".join(broken))
    else:
        report.passed(f"foreign keys: {checked} references checked, none broken")


def _search_index(query: Callable[[str], Sequence], dialect: str, report: Report) -> None:
    if dialect == "sqlite":
        documents, key = "entries_fts", "rowid"
    else:
        documents, key = "search_documents", "entry_id"
    entries = query("SELECT count(*) FROM entries")[0][0]
    indexed = query(f"SELECT count(*) FROM {documents}")[0][0]  # noqa: S608 - fixed names
    # NOT EXISTS, not NOT IN: PostgreSQL turns it into an anti-join at any size.
    missing = query(f"SELECT count(*) FROM entries e WHERE NOT EXISTS "  # noqa: S608
                    f"(SELECT 1 FROM {documents} d WHERE d.{key} = e.id)")[0][0]
    orphans = query(f"SELECT count(*) FROM {documents} d WHERE NOT EXISTS "  # noqa: S608
                    f"(SELECT 1 FROM entries e WHERE e.id = d.{key})")[0][0]
    misfiled = query(f"SELECT count(*) FROM {documents} d JOIN entries e "  # noqa: S608
                     f"ON e.id = d.{key} WHERE d.owner_id <> e.owner_id")[0][0]
    line = f"search index: {indexed:,} documents for {entries:,} entries"
    faults = [f"{count:,} {what}" for count, what in (
        (missing, "entries have no document"),
        (orphans, "documents belong to no entry"),
        (misfiled, "documents are filed under the wrong owner"),
    ) if count]
    if faults or indexed != entries:
        report.failed(line, "The search index is out of step with the entries ("
                      + ", ".join(faults or ["counts differ"])
                      + f"). Rebuild it with: {REINDEX_HINT}")
    else:
        report.passed(line)


# --- Moving to PostgreSQL ----------------------------------------------------------------

def postgres_url(raw: str) -> URL:
    """``raw`` as a URL for the psycopg driver, normalised as :mod:`journal.settings`
    does; :class:`OperationError` when it is not a PostgreSQL URL."""
    value = raw.strip()
    for prefix in ("postgres://", "postgresql://"):
        if value.startswith(prefix):
            value = "postgresql+psycopg://" + value.removeprefix(prefix)
    try:
        url = make_url(value)
    except ArgumentError:
        raise OperationError(
            "This is not a database URL. Use the form "
            "postgresql://USER:PASSWORD@HOST:PORT/DATABASE") from None
    if url.get_backend_name() == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    else:
        raise OperationError(
            f"The target must be a PostgreSQL database (postgresql://...), not {url.drivername}.")
    if not url.database:
        raise OperationError("The URL names no database: add /DATABASE at its end.")
    return url


def copied_tables() -> list[Table]:
    """Every model table in foreign-key order, except transient ones. The search index
    (no model) is rebuilt rather than copied, and Alembic's table is the target's own."""
    return [table for table in db.metadata.sorted_tables
            if table.name not in TRANSIENT_TABLES and not table.name.startswith(SEARCH_TABLES)
            and table.name != "alembic_version"]


@dataclass(frozen=True)
class CopyResult:
    target: str
    counts: dict[str, int]
    indexed: int
    seconds: float


def copy_to_postgres(app: Flask, raw_url: str,
                     progress: Callable[[str], None] = lambda _: None) -> CopyResult:
    """Copy this SQLite deployment into the empty PostgreSQL database at ``raw_url``.

    The target is migrated to the newest schema first (which also syncs the built-in
    prompts; they are replaced by the source's). Then, in one transaction on the
    target: refuse if it holds any account or entry, copy every table's rows in
    foreign-key order in batches with their primary keys, move the id sequences past
    the copied ids, rebuild the search index and compare the counts. Anything failing
    rolls it all back. The source is read in one transaction, so the copy is one
    moment of the journal; stop the site first so nothing written later is left behind.
    """
    started = time.perf_counter()
    source_engine = db.engine
    if source_engine.dialect.name != "sqlite":
        raise OperationError(
            "copy-db moves an SQLite journal to PostgreSQL; this one already uses "
            f"{source_engine.dialect.name}. Use pg_dump and pg_restore to copy it.")
    sqlite_file(source_engine, purpose="copy-db")
    state = migration_state(source_engine, script_directory(app))
    if not state.up_to_date:
        raise OperationError(
            "The SQLite database is not at the newest schema. First run: " + UPGRADE_HINT)

    url = postgres_url(raw_url)
    shown = url.render_as_string(hide_password=True)
    _refuse_foreign_or_filled(url, shown)

    progress(f"Migrating {shown} to the newest schema...")
    target_app = _app_for(app, url)
    with target_app.app_context():
        try:
            command.upgrade(target_app.extensions["migrate"].migrate.get_config(), "head")
            with db.engine.begin() as target, source_engine.connect() as source:
                _refuse_filled(target, shown)
                counts = _copy_rows(source, target, progress)
                _reset_sequences(target)
                progress("Rebuilding the search index...")
                indexed = rebuild_index(target)
                _compare_counts(target, counts)
                source.rollback()
        except (SQLAlchemyError, CommandError) as error:
            raise OperationError(
                f"Copying into {shown} failed and nothing was kept: {_first_line(error)}"
            ) from None
        finally:
            db.session.remove()
            db.engine.dispose()
    return CopyResult(shown, counts, indexed, time.perf_counter() - started)


def _app_for(app: Flask, url: URL) -> Flask:
    """The journal with this app's settings, on the target database: Alembic's
    environment runs against ``current_app``'s engine."""
    from journal import create_app

    target = url.render_as_string(hide_password=False)
    return create_app({**app.config, "SQLALCHEMY_DATABASE_URI": target,
                       "SQLALCHEMY_ENGINE_OPTIONS": {}})


def _refuse_foreign_or_filled(url: URL, shown: str) -> None:
    """Before touching the target: it must be reachable and hold nothing but (perhaps) an
    empty journal schema."""
    try:
        engine = create_engine(url, poolclass=NullPool)
    except ModuleNotFoundError:
        raise OperationError("The PostgreSQL driver is not installed: "
                             "pip install -e '.[postgres]'") from None
    try:
        with engine.connect() as connection:
            names = set(inspect(connection).get_table_names())
            ours = {table.name for table in db.metadata.sorted_tables}
            ours |= {"alembic_version", *SEARCH_TABLES}
            foreign = sorted(names - ours)
            if foreign:
                raise OperationError(
                    f"{shown} holds tables that are not the journal's ({', '.join(foreign[:5])}"
                    f"{', ...' if len(foreign) > 5 else ''}). Use an empty database: "
                    "createdb journal")
            if {"users", "entries"} <= names:
                _refuse_filled(connection, shown)
            connection.rollback()
    except SQLAlchemyError as error:
        raise OperationError(f"Cannot use {shown}: {_first_line(error)}") from None
    finally:
        engine.dispose()


def _refuse_filled(connection: Connection, shown: str) -> None:
    users = connection.scalar(text("SELECT count(*) FROM users"))
    entries = connection.scalar(text("SELECT count(*) FROM entries"))
    if users or entries:
        raise OperationError(
            f"{shown} already holds a journal ({_plural(users, 'account')}, "
            f"{_plural(entries, 'entry', 'entries')}). "
            "copy-db only fills an empty database, so nothing there is overwritten.")


def _copy_rows(source: Connection, target: Connection,
               progress: Callable[[str], None]) -> dict[str, int]:
    tables = copied_tables()
    # Whatever the migration seeded (the built-in prompts) makes way for the source's rows.
    for table in reversed(db.metadata.sorted_tables):
        target.execute(delete(table))
    counts = {}
    progress(f"Copying {len(tables)} tables...")
    for table in tables:
        rows = source.execute(select(table).order_by(*table.primary_key.columns)
                              .execution_options(yield_per=COPY_BATCH))
        count = 0
        for batch in rows.partitions():
            target.execute(insert(table), [dict(row._mapping) for row in batch])
            count += len(batch)
        counts[table.name] = count
    return counts


def _reset_sequences(target: Connection) -> None:
    """Point each id sequence past the largest copied id, so new rows get fresh ids."""
    quote = target.dialect.identifier_preparer.quote
    for table in copied_tables():
        column = table.autoincrement_column
        if column is None:
            continue
        target.execute(
            text(f"SELECT setval(pg_get_serial_sequence(:table, :column), "  # noqa: S608
                 f"coalesce(max({quote(column.name)}), 0) + 1, false) "
                 f"FROM {quote(table.name)}"),
            {"table": table.name, "column": column.name})


def _compare_counts(target: Connection, counts: dict[str, int]) -> None:
    for table in copied_tables():
        found = target.scalar(select(func.count()).select_from(table))
        if found != counts[table.name]:
            raise OperationError(f"{table.name}: copied {counts[table.name]:,} rows but the "
                                 f"target holds {found:,}; nothing was kept.")


def _first_line(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    return (str(original).strip().splitlines() or [type(original).__name__])[0]


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else many or one + 's'}"
