"""The application as an operator meets it: a factory without side effects, settings
from the environment, a secret that is generated once, SQLite set up for several
workers, migrations that match the models, and a health check."""

import secrets
import sqlite3
import stat
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine

import journal
from journal import create_app
from journal.extensions import db
from journal.settings import ConfigurationError, _read_or_create_secret
from tests.conftest import make_config

MODEL_TABLES = set(db.metadata.tables)

# These build their own SQLite apps and files; PostgreSQL has its own checks.
pytestmark = pytest.mark.sqlite_only



@pytest.fixture
def clean_environment(monkeypatch):
    """No ``JOURNAL_*`` or Flask debug settings leak in from the shell running the tests."""
    import os

    for name in list(os.environ):
        if name.startswith("JOURNAL_") or name in {"FLASK_DEBUG", "FLASK_ENV"}:
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.fixture
def connections():
    """Counts new DBAPI connections opened by any engine while the test runs."""
    opened = []

    def count(dbapi_connection, connection_record):
        opened.append(dbapi_connection)

    event.listen(Engine, "connect", count)
    yield opened
    event.remove(Engine, "connect", count)


def tables_in(path) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


def production_config(database, **overrides) -> dict:
    """Settings as a deployment has them: not testing, not debugging."""
    return make_config(database, TESTING=False, DEBUG=False, **overrides)


# --- the factory ------------------------------------------------------------------------

def test_create_app_neither_connects_nor_creates_tables(tmp_path, clean_environment,
                                                        connections):
    path = tmp_path / "empty.sqlite3"

    app = create_app(make_config(path))

    assert connections == []
    assert not path.exists() or tables_in(path) == set()
    # The probe does see connections: the first request opens one.
    assert app.test_client().get("/healthz").status_code == 200
    assert len(connections) == 1
    assert tables_in(path) == set()  # and still no schema: that is `flask db upgrade`'s job
    with app.app_context():
        db.engine.dispose()


def test_a_production_app_starts_with_a_long_random_secret(tmp_path, clean_environment,
                                                           connections):
    key = secrets.token_urlsafe(36)
    assert len(key) == 48

    app = create_app(production_config(tmp_path / "db.sqlite3", SECRET_KEY=key))

    assert app.config["SECRET_KEY"] == key
    assert not app.testing and not app.debug
    assert connections == []


@pytest.mark.parametrize("key", ["dev", "changeme", "secret", "x" * 31, "   Dev   ",
                                 "please-change-me"])
def test_a_production_app_refuses_a_short_or_well_known_secret(tmp_path, clean_environment,
                                                               key):
    with pytest.raises(ConfigurationError) as caught:
        create_app(production_config(tmp_path / "db.sqlite3", SECRET_KEY=key))
    assert "JOURNAL_SECRET_KEY" in str(caught.value)
    assert "at least 32" in str(caught.value)


def test_a_weak_secret_is_tolerated_while_testing_or_debugging(tmp_path, clean_environment):
    testing = create_app(make_config(tmp_path / "db.sqlite3", SECRET_KEY="dev"))
    debugging = create_app(make_config(tmp_path / "db.sqlite3", SECRET_KEY="dev",
                                       TESTING=False, DEBUG=True))
    assert testing.config["SECRET_KEY"] == debugging.config["SECRET_KEY"] == "dev"


def test_the_secret_key_is_read_from_the_environment(tmp_path, clean_environment):
    key = secrets.token_urlsafe(36)
    clean_environment.setenv("JOURNAL_SECRET_KEY", key)
    config = production_config(tmp_path / "db.sqlite3")
    del config["SECRET_KEY"]

    app = create_app(config)

    assert app.config["SECRET_KEY"] == key


def test_without_a_configured_secret_one_is_generated_into_the_instance_folder(
        tmp_path, clean_environment):
    clean_environment.setattr(journal, "ROOT", tmp_path)
    config = production_config(tmp_path / "db.sqlite3")
    del config["SECRET_KEY"]

    first = create_app(config)
    second = create_app(config)

    secret_file = tmp_path / "instance" / "secret_key"
    assert first.instance_path == str(tmp_path / "instance")
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert first.config["SECRET_KEY"] == secret_file.read_text().strip()
    assert len(first.config["SECRET_KEY"]) >= 48
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_a_generated_secret_is_private_and_stable(tmp_path):
    path = tmp_path / "instance" / "secret_key"

    key = _read_or_create_secret(path)

    assert len(key) >= 48
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _read_or_create_secret(path) == key
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary left


def test_an_existing_secret_file_is_never_replaced(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("an-operator-chose-this-key-deliberately-long-enough\n")

    assert _read_or_create_secret(path) == "an-operator-chose-this-key-deliberately-long-enough"


def test_workers_starting_at_once_agree_on_one_secret(tmp_path):
    path = tmp_path / "instance" / "secret_key"
    workers = 16
    start = threading.Barrier(workers)

    def create():
        start.wait()
        return _read_or_create_secret(path)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        keys = list(pool.map(lambda _: create(), range(workers)))

    assert len(set(keys)) == 1
    assert keys[0] == path.read_text().strip()
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]


def test_registration_mode_is_read_from_the_environment(tmp_path, clean_environment):
    clean_environment.setenv("JOURNAL_REGISTRATION", " Closed ")
    config = make_config(tmp_path / "db.sqlite3")
    del config["REGISTRATION"]

    app = create_app(config)

    assert app.config["REGISTRATION"] == "closed"


def test_closed_registration_from_the_environment_closes_the_sign_up_page(
        database, clean_environment, user):
    clean_environment.setenv("JOURNAL_REGISTRATION", "closed")
    config = make_config(database)
    del config["REGISTRATION"]
    app = create_app(config)

    with app.app_context():
        response = app.test_client().get("/auth/register")
        db.engine.dispose()

    assert response.status_code == 403
    assert 'name="username"' not in response.get_data(as_text=True)


@pytest.mark.parametrize("mode", ["sometimes", "yes", ""])
def test_an_unknown_registration_mode_is_refused_with_a_clear_message(
        tmp_path, clean_environment, mode):
    clean_environment.setenv("JOURNAL_REGISTRATION", mode)
    config = make_config(tmp_path / "db.sqlite3")
    del config["REGISTRATION"]

    with pytest.raises(ConfigurationError) as caught:
        create_app(config)

    assert str(caught.value) == (
        f"JOURNAL_REGISTRATION must be 'open', 'invite' or 'closed', not {mode!r}.")


def test_the_database_url_is_read_from_the_environment(tmp_path, clean_environment):
    path = tmp_path / "from-env.sqlite3"
    clean_environment.setenv("JOURNAL_DATABASE_URL", f"sqlite:///{path}")
    config = make_config(tmp_path / "ignored.sqlite3")
    del config["SQLALCHEMY_DATABASE_URI"]

    app = create_app(config)

    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{path}"


# --- SQLite on every connection ----------------------------------------------------------

PRAGMAS = ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")


def pragmas(connection) -> dict:
    return {name: connection.execute(text(f"PRAGMA {name}")).scalar() for name in PRAGMAS}


def raw_pragmas(dbapi_connection) -> dict:
    cursor = dbapi_connection.cursor()
    try:
        return {name: cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in PRAGMAS}
    finally:
        cursor.close()


def test_every_sqlite_connection_is_set_up_for_several_workers(app):
    assert pragmas(db.session) == {"journal_mode": "wal", "foreign_keys": 1,
                                   "busy_timeout": 10_000, "synchronous": 1}
    db.session.rollback()
    # Two more connections, open at the same time, are set up the same way.
    first, second = db.engine.raw_connection(), db.engine.raw_connection()
    try:
        assert first.driver_connection is not second.driver_connection
        for connection in (first, second):
            settings = raw_pragmas(connection)
            assert settings["journal_mode"] == "wal"
            assert settings["foreign_keys"] == 1
            assert settings["busy_timeout"] >= 5000
            assert settings["synchronous"] == 1
    finally:
        first.close()
        second.close()


def test_foreign_keys_are_enforced(app, user, make_entry):
    """Deleting an account removes its entries through ON DELETE CASCADE."""
    entry_id = make_entry(user, "Mine.", tags="work").id
    db.session.execute(text("DELETE FROM users WHERE id = :id"), {"id": user.id})
    db.session.commit()
    assert db.session.execute(text("SELECT count(*) FROM entries WHERE id = :id"),
                              {"id": entry_id}).scalar() == 0
    assert db.session.execute(text("SELECT count(*) FROM tags")).scalar() == 0


@pytest.fixture
def statements(app):
    """Every SQL statement the app's engine sends, in order."""
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement.strip())

    event.listen(db.engine, "before_cursor_execute", record)
    yield sent
    event.remove(db.engine, "before_cursor_execute", record)


def transaction_starts(sent: list[str]) -> list[str]:
    return [statement for statement in sent if statement.upper().startswith("BEGIN")]


def test_a_request_that_may_write_takes_the_write_lock_up_front(client, logged_in, statements):
    statements.clear()

    response = client.post("/entries/new", data={"body": "Shipped it.", "tags": "work"})

    assert response.status_code == 302
    assert transaction_starts(statements)
    assert set(transaction_starts(statements)) == {"BEGIN IMMEDIATE"}
    assert any(s.upper().startswith("INSERT INTO ENTRIES") for s in statements)


def test_a_read_only_request_does_not_queue_for_the_write_lock(client, logged_in, make_entry,
                                                               statements):
    make_entry(logged_in, "Shipped it.")
    statements.clear()

    response = client.get("/entries/")

    assert response.status_code == 200
    assert transaction_starts(statements)
    assert set(transaction_starts(statements)) == {"BEGIN"}


def test_work_outside_a_request_takes_the_write_lock_up_front(app, statements):
    db.session.execute(text("SELECT 1"))
    db.session.rollback()
    assert transaction_starts(statements) == ["BEGIN IMMEDIATE"]


# --- migrations ------------------------------------------------------------------------------

SEARCH_TABLES = ("entries_fts", "search_documents")


def schema_differences(connection) -> list:
    def include_name(name, type_, parent_names):
        return not (type_ == "table" and name.startswith(SEARCH_TABLES))

    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": include_name})
    return compare_metadata(context, db.metadata)


def test_the_migrated_schema_matches_the_models(app):
    """Every table is a model's, except the search index, which is built by hand."""
    with db.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        index_tables = {name for name in tables if name.startswith(SEARCH_TABLES)}
        assert "entries_fts" in index_tables
        assert tables - index_tables == MODEL_TABLES | {"alembic_version"}
        assert schema_differences(connection) == []


def test_migrations_go_down_to_nothing_and_up_again(tmp_path, clean_environment):
    path = tmp_path / "fresh.sqlite3"
    app = create_app(make_config(path))
    with app.app_context():
        upgrade()
        assert tables_in(path) >= MODEL_TABLES

        downgrade(revision="base")
        assert tables_in(path) - {"alembic_version"} == set()

        upgrade()
        with db.engine.connect() as connection:
            assert schema_differences(connection) == []
        db.engine.dispose()


def test_the_db_commands_work_from_the_command_line(tmp_path, clean_environment):
    path = tmp_path / "cli.sqlite3"
    app = create_app(make_config(path))
    runner = app.test_cli_runner()

    up = runner.invoke(args=["db", "upgrade"])
    down = runner.invoke(args=["db", "downgrade", "base"])
    up_again = runner.invoke(args=["db", "upgrade"])

    assert (up.exit_code, down.exit_code, up_again.exit_code) == (0, 0, 0), (
        up.output, down.output, up_again.output)
    assert tables_in(path) >= MODEL_TABLES
    with app.app_context():
        db.engine.dispose()


# --- health ------------------------------------------------------------------------------------

def test_the_health_check_says_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"status": "ok"}


def test_the_health_check_says_unavailable_when_the_database_does_not_answer(
        tmp_path, clean_environment):
    missing = tmp_path / "no-such-folder" / "journal.sqlite3"
    app = create_app(make_config(missing))

    with app.app_context():
        response = app.test_client().get("/healthz")
        db.engine.dispose()

    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "down"}


@pytest.mark.parametrize("module", ["journal.prompts.sync", "journal.prompts.library",
                                    "journal.entries.reflection", "journal.wins.queries",
                                    "journal.cli"])
def test_modules_import_on_their_own(module):
    """The migration environment imports the prompt sync without the app: no module may
    depend on another having been imported first."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
