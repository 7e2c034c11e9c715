"""Moving a journal from SQLite to an empty PostgreSQL database, all or nothing."""

import time
from collections.abc import Callable
from dataclasses import dataclass

from alembic import command
from alembic.util import CommandError
from flask import Flask
from sqlalchemy import Table, create_engine, delete, func, insert, inspect, select, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from journal.database import reading
from journal.extensions import db
from journal.fulltext.backends import INDEX_TABLES
from journal.fulltext.index import rebuild_index
from journal.operations.common import (
    UPGRADE_HINT,
    OperationError,
    migration_state,
    script_directory,
    sqlite_file,
)

# Throttling records that only matter for a quarter of an hour, uploads waiting a day at
# most for their import to be confirmed, and leases on import slots: not worth moving.
TRANSIENT_TABLES = frozenset({"login_failures", "pending_imports", "import_slots"})
COPY_BATCH = 2_000


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
            if table.name not in TRANSIENT_TABLES and not table.name.startswith(INDEX_TABLES)
            and table.name != "alembic_version"]


@dataclass(frozen=True)
class CopyResult:
    target: str
    counts: dict[str, int]
    indexed: int
    seconds: float
    unindexed: int = 0  # entries of encrypted journals without a document to carry over


def copy_to_postgres(app: Flask, raw_url: str,
                     progress: Callable[[str], None] = lambda _: None) -> CopyResult:
    """Copy this SQLite deployment into the empty PostgreSQL database at ``raw_url``.

    The target is migrated to the newest schema first (which also syncs the built-in
    prompts; they are replaced by the source's). Then, in one transaction on the
    target: refuse if it holds any account or entry, copy every table's rows in
    foreign-key order in batches with their primary keys (sealed rows byte for byte:
    their ``uid``, ``sealed`` and ``name_key`` are copied as stored, never opened),
    move the id sequences past the copied ids, rebuild the search index and compare
    the counts. Anything failing
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
    target_engine = create_engine(url, poolclass=NullPool)
    try:
        migrate_to_newest(app, target_engine)
        # The source is only read, by its connection and by the session (the search
        # index reads entries through it): neither may take SQLite's write lock.
        with reading(), target_engine.begin() as target, source_engine.connect() as source:
            _refuse_filled(target, shown)
            counts = _copy_rows(source, target, progress)
            _reset_sequences(target)
            progress("Rebuilding the search index...")
            indexed = rebuild_index(target, carry_from=source)
            _compare_counts(target, counts)
            source.rollback()
    except (SQLAlchemyError, CommandError) as error:
        raise OperationError(
            f"Copying into {shown} failed and nothing was kept: {_first_line(error)}"
        ) from None
    finally:
        db.session.rollback()
        target_engine.dispose()
    return CopyResult(shown, counts, indexed.written + indexed.carried,
                      time.perf_counter() - started,
                      unindexed=sum(indexed.skipped.values()) - indexed.carried)


def migrate_to_newest(app: Flask, engine: Engine) -> None:
    """Run ``app``'s migrations up to the newest on the database behind ``engine``: the
    migration environment uses the engine handed over in the Alembic config's
    attributes instead of the app's own."""
    config = app.extensions["migrate"].migrate.get_config()
    config.attributes["engine"] = engine
    command.upgrade(config, "head")


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
            ours |= {"alembic_version", *INDEX_TABLES}
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
