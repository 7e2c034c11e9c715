"""A throwaway PostgreSQL server for the tests that run on both backends.

Started once per test session with ``initdb`` and ``pg_ctl`` in a temporary folder,
listening on 127.0.0.1 only (as the ``postgres`` user when the tests run as root),
and stopped at the end. Each test gets a fresh database copied from a migrated
template. Set ``JOURNAL_TEST_POSTGRES_URL`` to use an existing server instead.
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
    no server can be had (and fails in CI, where one must be)."""
    existing = os.environ.get("JOURNAL_TEST_POSTGRES_URL")
    if existing:
        yield existing
        return
    binaries = _binaries()
    if binaries is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed; .ci/run installs it.")
        pytest.skip("PostgreSQL is not installed here")
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


@pytest.fixture
def postgres_database(postgres_server_url, postgres_template):
    """A fresh database for one test, copied from the migrated template."""
    name = "journal_test_" + uuid.uuid4().hex[:12]
    with postgres_template.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))
    yield _with_database(postgres_server_url, name)
    for _ in range(20):
        try:
            with postgres_template.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            break
        except Exception:  # noqa: BLE001 - a connection may still be closing
            time.sleep(0.1)
