"""The health check of a database: integrity, references, migrations and the search
index. Reads only."""

import sqlite3
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import exists, func, select
from sqlalchemy.engine import Connection

from journal.extensions import db
from journal.fulltext.backends import IndexHealth, backend_for
from journal.models import User
from journal.operations.common import (
    UPGRADE_HINT,
    MigrationState,
    migration_state,
    open_sqlite,
    script_directory,
    sqlite_file,
)
from journal.sealing.batches import plain_rows_of_sealed_accounts
from journal.totals import (
    counted_day_tags,
    counted_days,
    counted_tag_counts,
    stored_day_tags,
    stored_days,
    stored_tag_counts,
)

REINDEX_HINT = "flask --app journal reindex"
RECOUNT_HINT = "flask --app journal recount"


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
    the migration state, that the search index holds exactly one document, under the
    right owner, per entry, and that the running totals equal a full recount. Reads
    only."""
    engine = db.engine
    index = backend_for(engine)
    report = Report()
    # SQLite's own checks read the file through a plain connection; a server checks
    # its pages itself, so there references are scanned instead.
    if engine.dialect.name == "sqlite":
        path = sqlite_file(engine, purpose="check")  # before connecting creates an empty one
        state = migration_state(engine, script_directory(app))
        report.lines.append(f"database: SQLite file {path}")
        connection = open_sqlite(path)
        try:
            connection.execute("BEGIN")  # one snapshot for every check, no write lock
            _sqlite_integrity(connection, report)
            _sqlite_foreign_keys(connection, report)
            _describe_migrations(state, report)
            if state.up_to_date:
                _search_index(index.health(lambda sql: connection.execute(sql).fetchall()),
                              report)
                _totals(report)
                _sealing(report)
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
                _search_index(index.health(
                    lambda sql: connection.exec_driver_sql(sql).fetchall()), report)
                _totals(report)
                _sealing(report)
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


def _search_index(health: IndexHealth, report: Report) -> None:
    line = f"search index: {health.documents:,} documents for {health.entries:,} entries"
    faults = [f"{count:,} {what}" for count, what in (
        (health.missing, "entries have no document"),
        (health.orphans, "documents belong to no entry"),
        (health.misfiled, "documents are filed under the wrong owner"),
    ) if count]
    if health.in_step:
        report.passed(line)
    else:
        report.failed(line, "The search index is out of step with the entries ("
                      + ", ".join(faults or ["counts differ"])
                      + f"). Rebuild it with: {REINDEX_HINT}")


def _totals(report: Report) -> None:
    """Compare every counted account's stored totals with a full recount."""
    counted, waiting, wrong = 0, 0, []
    try:
        for user_id, username, totals_zone in db.session.execute(
                select(User.id, User.username, User.totals_zone).order_by(User.id)):
            if totals_zone is None:
                waiting += 1
                continue
            counted += 1
            if (stored_days(user_id) != counted_days(user_id)
                    or stored_day_tags(user_id) != counted_day_tags(user_id)
                    or stored_tag_counts(user_id) != counted_tag_counts(user_id)):
                wrong.append(username)
    finally:
        db.session.rollback()
    line = (f"running totals: {counted:,} account{'' if counted == 1 else 's'} compared "
            "with a recount")
    if waiting:
        line += f", {waiting:,} to be counted at their next visit"
    if wrong:
        report.failed(line, f"The running totals of {len(wrong):,} account(s) differ from "
                      f"their entries ({', '.join(wrong[:5])}). Count them again with: "
                      f"{RECOUNT_HINT}")
    else:
        report.passed(line)


def _sealing(report: Report) -> None:
    """How many accounts are sealed, how many wait for their next sign-in (their words
    are still readable in the database), and any plain text left in a sealed account."""
    try:
        waiting = list(db.session.scalars(
            select(User.username).where(User.sealed_at.is_(None)).order_by(User.username)))
        sealed = db.session.scalar(select(func.count()).where(User.sealed_at.is_not(None)))
        left = plain_rows_of_sealed_accounts()
    finally:
        db.session.rollback()
    line = f"encryption: {sealed:,} account{'' if sealed == 1 else 's'} sealed"
    if waiting:
        line += (f"; {len(waiting):,} still readable in the database until their next sign-in "
                 f"({', '.join(waiting[:5])}{', ...' if len(waiting) > 5 else ''})")
    if left:
        report.failed(line, "Plain text is left in sealed accounts ("
                      + ", ".join(f"{count:,} in {table}" for table, count in left.items())
                      + "). Nothing in the journal writes plain text for a sealed account: "
                      "look for a tool that wrote to the database directly.")
    else:
        report.passed(line)
