"""A throwaway PostgreSQL server for the tests that run on both backends.

Started once per test session with ``initdb`` and ``pg_ctl`` in a temporary folder,
listening on 127.0.0.1 only (as the ``postgres`` user when the tests run as root),
and stopped at the end. Each test gets a database as fresh as one copied from a
migrated template: databases are reused, emptied between tests with one TRUNCATE (a
quarter of the time a copy takes) and given back the built-in prompts. A database whose
schema a test changed is dropped instead. Set ``JOURNAL_TEST_POSTGRES_URL`` to use an
existing server instead.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.system_support import skip_without

TEMPLATE = "journal_test_template"


def _binaries() -> Path | None:
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(args, user: str | None):
    command = args if user is None else ["runuser", "-u", user, "--", *args]
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)


class ThrowawayCluster:
    def __init__(self, binaries: Path):
        self.binaries = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="journal-pg-"))
        self.port = _free_port()
        self.user = "postgres" if os.geteuid() == 0 else None

    def start(self) -> str:
        if self.user:
            os.chmod(self.folder, 0o755)  # noqa: S103 - the server user must enter it
            shutil.chown(self.folder, user=self.user)
            uid = pwd.getpwnam(self.user).pw_uid
            assert uid != 0
        data = self.folder / "data"
        _run([str(self.binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
              "--no-sync", "-E", "UTF8", "--locale=C"], self.user)
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        _run([str(self.binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l",
              str(self.folder / "log"), "-w", "start"], self.user)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            _run([str(self.binaries / "pg_ctl"), "-D", str(self.folder / "data"), "-m",
                  "immediate", "stop"], self.user)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server_url():
    """The URL of a PostgreSQL server's maintenance database; the test is skipped when
    PostgreSQL is not installed (and the run fails in CI, where it must be)."""
    existing = os.environ.get("JOURNAL_TEST_POSTGRES_URL")
    if existing:
        yield existing
        return
    binaries = _binaries()
    if binaries is None:
        skip_without("postgresql", "the tests on PostgreSQL")
    cluster = ThrowawayCluster(binaries)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def _with_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def postgres_template(postgres_server_url):
    """A database migrated once with ``flask db upgrade``; tests copy it."""
    from flask_migrate import upgrade

    from journal import create_app
    from journal.extensions import db
    from tests.conftest import make_config

    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {TEMPLATE}"))
        connection.execute(text(f"CREATE DATABASE {TEMPLATE}"))
    app = create_app({**make_config(Path("unused")),
                      "SQLALCHEMY_DATABASE_URI": _with_database(postgres_server_url, TEMPLATE)})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield admin
    admin.dispose()


class DatabasePool:
    """Databases copied from the template, handed out one per test and emptied when
    given back, so that a test sees exactly what a fresh copy holds."""

    def __init__(self, admin, server_url: str):
        self.admin = admin
        self.server_url = server_url
        self.free: list[str] = []
        self.engines: dict[str, object] = {}
        template = create_engine(_with_database(server_url, TEMPLATE))
        with template.connect() as connection:
            self.schema = self._schema(connection)
            self.prompts = [dict(row) for row in connection.execute(
                text("SELECT * FROM prompts ORDER BY id")).mappings()]
        template.dispose()
        self.tables = sorted(name for name, _ in self.schema if name != "alembic_version")

    @staticmethod
    def _schema(connection) -> frozenset:
        """Tables and their columns, and the migration version: what a test must not
        have changed for its database to be reused."""
        columns = connection.execute(text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public'")).all()
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return frozenset([*map(tuple, columns), ("alembic_version", version)])

    def take(self) -> str:
        if self.free:
            return self.free.pop()
        name = "journal_test_" + uuid.uuid4().hex[:12]
        with self.admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))
        return name

    def give_back(self, name: str) -> None:
        """Empty the database for the next test, or drop it when that cannot be done."""
        try:
            engine = self.engines.get(name)
            if engine is None:
                engine = self.engines[name] = create_engine(
                    _with_database(self.server_url, name), poolclass=NullPool)
            with engine.begin() as connection:
                connection.execute(text("SET LOCAL lock_timeout = '2s'"))
                if self._schema(connection) != self.schema:
                    raise RuntimeError("the test changed the schema")
                connection.execute(text(
                    f"TRUNCATE {', '.join(self.tables)} RESTART IDENTITY CASCADE"))
                if self.prompts:
                    columns = list(self.prompts[0])
                    connection.execute(text(
                        f"INSERT INTO prompts ({', '.join(columns)}) "
                        f"VALUES ({', '.join(':' + column for column in columns)})"),
                        self.prompts)
                    connection.execute(text(
                        "SELECT setval(pg_get_serial_sequence('prompts', 'id'), "
                        "(SELECT max(id) FROM prompts))"))
            self.free.append(name)
        except Exception:  # noqa: BLE001 - a database that cannot be emptied is replaced
            self.drop(name)

    def drop(self, name: str) -> None:
        engine = self.engines.pop(name, None)
        if engine is not None:
            engine.dispose()
        for _ in range(20):
            try:
                with self.admin.connect() as connection:
                    connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                return
            except Exception:  # noqa: BLE001 - a connection may still be closing
                time.sleep(0.1)

    def close(self) -> None:
        for name in [*self.free]:
            self.drop(name)
        self.free.clear()


@pytest.fixture(scope="session")
def postgres_pool(postgres_server_url, postgres_template):
    pool = DatabasePool(postgres_template, postgres_server_url)
    yield pool
    pool.close()


@pytest.fixture
def postgres_database(postgres_server_url, postgres_pool):
    """A database for one test, holding what a fresh copy of the migrated template
    holds (see :class:`DatabasePool`)."""
    name = postgres_pool.take()
    yield _with_database(postgres_server_url, name)
    postgres_pool.give_back(name)
