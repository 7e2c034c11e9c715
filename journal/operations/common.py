"""What the operations share: the error they raise, the SQLite file behind an engine,
and the state of the migrations."""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_SECONDS = 10
UPGRADE_HINT = "flask --app journal db upgrade"


class OperationError(Exception):
    """The operation cannot go on; the message says why and what to do."""


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


def open_sqlite(path: Path) -> sqlite3.Connection:
    """A plain connection to an existing database file, outside SQLAlchemy: no
    ``BEGIN IMMEDIATE``, so it never takes the write lock by itself."""
    connection = sqlite3.connect(path.absolute().as_uri() + "?mode=rw", uri=True,
                                 timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
    return connection


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
