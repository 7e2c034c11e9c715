"""Looking after a deployment from a terminal: ``reset-password``, ``backup`` (and
restoring one), ``check`` and ``copy-db`` from SQLite to PostgreSQL."""

import shutil
import sqlite3
import threading
import time
import uuid
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask_migrate import downgrade
from sqlalchemy import func, select, text

from journal import create_app
from journal.auth.queries import find_user
from journal.auth.services import authenticate, create_user
from journal.crypto import keyring
from journal.entries.services import create_entry, delete_entry
from journal.extensions import db
from journal.models import (
    Entry,
    EntryTag,
    LoginFailure,
    Prompt,
    PromptHide,
    User,
    UserSession,
    utcnow,
)
from journal.operations.backup import BACKUP_NAME, backup_sqlite, backups_in
from journal.operations.copy import copied_tables
from journal.prompts.services import create_own_prompt, hide_prompt
from journal.search.service import search
from tests.conftest import PASSWORD, _app, make_config

NEW_PASSWORD = "another fine long passphrase"

# These build their own SQLite apps and files; PostgreSQL has its own checks.
pytestmark = pytest.mark.sqlite_only



def invoke(runner, *args, input=None):
    result = runner.invoke(args=list(args), input=input)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def raw(database: Path) -> sqlite3.Connection:
    return sqlite3.connect(database, timeout=10, isolation_level=None)


# --- reset-password ------------------------------------------------------------------------

def reset(runner, name, password=NEW_PASSWORD):
    return invoke(runner, "reset-password", name, "--password-stdin", input=password + "\n")


def test_reset_password_sets_the_password_and_signs_the_account_out_everywhere(
        runner, client, login, user, other_user):
    assert login(user).status_code == 302
    db.session.add(UserSession(user_id=other_user.id, token_hash="b" * 64,
                               expires_at=utcnow() + timedelta(days=1)))
    db.session.add(LoginFailure(username=user.username, address="192.0.2.7"))
    db.session.commit()
    assert client.get("/entries/").status_code == 200

    result = reset(runner, "ANA")

    assert result.exit_code == 0, result.output
    assert "ended 1 session" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(UserSession)
                             .where(UserSession.user_id == user.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(UserSession)
                             .where(UserSession.user_id == other_user.id)) == 1
    assert count(LoginFailure) == 0
    assert authenticate("ana", NEW_PASSWORD) is not None
    assert authenticate("ana", PASSWORD) is None
    # The browser that was signed in is signed out on its next request.
    assert client.get("/entries/").status_code == 302


def test_reset_password_asks_twice_without_echo(runner, user):
    result = invoke(runner, "reset-password", "ana", input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")

    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output
    assert authenticate("ana", NEW_PASSWORD) is not None


def test_reset_password_of_an_unknown_account_says_so(runner, user):
    result = reset(runner, "nobody")

    assert result.exit_code == 1
    assert "There is no account named 'nobody'" in result.output


def test_reset_password_refuses_a_guessable_password_and_changes_nothing(runner, user):
    before = user.password_hash

    result = reset(runner, "ana", password="password1234")

    assert result.exit_code == 1
    assert "less common" in result.output
    db.session.expire_all()
    assert find_user("ana").password_hash == before


# --- backup --------------------------------------------------------------------------------

def backup(runner, *args):
    return invoke(runner, "backup", *args)


def entry_count(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT count(*) FROM entries").fetchone()[0]


def integrity(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]


def test_backup_writes_a_checked_private_timestamped_copy(runner, user, make_entry, tmp_path):
    make_entry(user, "Before the backup")
    folder = tmp_path / "backups"

    result = backup(runner, "--to", str(folder))

    assert result.exit_code == 0, result.output
    [path] = backups_in(folder)
    assert BACKUP_NAME.fullmatch(path.name)
    stamp = datetime.strptime(path.name[8:23], "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=1)  # named in UTC
    assert str(path) in result.output
    assert "integrity ok" in result.output
    assert entry_count(path) == 1
    assert integrity(path) == ["ok"]
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in folder.iterdir()) == [path.name]  # one file, no -wal


def test_backup_goes_to_the_instance_folder_by_default(app, runner, user, tmp_path):
    app.instance_path = str(tmp_path / "instance")

    result = backup(runner)

    assert result.exit_code == 0, result.output
    assert len(backups_in(tmp_path / "instance" / "backups")) == 1


def test_two_backups_in_the_same_second_get_different_names(database, tmp_path):
    moment = datetime(2024, 3, 1, 10, 15, tzinfo=UTC)

    first = backup_sqlite(database, tmp_path, keep=5, now=moment)
    second = backup_sqlite(database, tmp_path, keep=5, now=moment)

    assert first.path.name == "journal-20240301-101500.sqlite3"
    assert second.path.name == "journal-20240301-101500-2.sqlite3"
    assert backups_in(tmp_path) == [second.path, first.path]


def test_keep_prunes_old_backups_and_leaves_other_files_alone(runner, user, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    for name in ("journal-20200101-000000.sqlite3", "journal-20200102-000000.sqlite3",
                 "journal-20200102-000000-2.sqlite3"):
        (folder / name).write_bytes(b"old backup")
    unrelated = ["notes.txt", "journal-20190101-000000.sqlite3.bak", "journal-latest.sqlite3",
                 "other-20190101-000000.sqlite3", "journal-2019-01-01.sqlite3"]
    for name in unrelated:
        (folder / name).write_text("not a backup")
    (folder / "journal-20180101-000000.sqlite3").mkdir()  # the right name, but a folder

    result = backup(runner, "--to", str(folder), "--keep", "2")

    assert result.exit_code == 0, result.output
    kept = backups_in(folder)
    assert len(kept) == 2
    assert kept[1].name == "journal-20200102-000000-2.sqlite3"
    assert "Removed the older backup journal-20200101-000000.sqlite3" in result.output
    assert not (folder / "journal-20200102-000000.sqlite3").exists()
    for name in unrelated:
        assert (folder / name).read_text() == "not a backup"
    assert (folder / "journal-20180101-000000.sqlite3").is_dir()


def test_keep_must_be_at_least_one(runner, user, tmp_path):
    result = backup(runner, "--to", str(tmp_path / "b"), "--keep", "0")

    assert result.exit_code == 2
    assert not (tmp_path / "b").exists()


ENTRY_INSERT = ("INSERT INTO entries (owner_id, title, body, created_at, updated_at, starred, "
                "version, kind, is_win, word_count) VALUES (?, ?, ?, ?, ?, 0, 1, 'note', 0, 3)")


def entry_row(owner_id: int, number: int) -> tuple:
    moment = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    return (owner_id, f"Entry {number}", "Written during the backup. " * 20, moment, moment)


def test_a_backup_taken_while_another_connection_writes_is_consistent(
        runner, user, database, tmp_path):
    owner_id = user.id
    db.session.rollback()  # the test's own session holds no lock while the writer runs
    with closing(raw(database)) as connection:
        connection.execute("BEGIN")
        connection.executemany(ENTRY_INSERT, [entry_row(owner_id, n) for n in range(20_000)])
        connection.execute("COMMIT")
    stop, written, errors = threading.Event(), [0], []

    def write():
        writer = raw(database)
        try:
            while not stop.is_set():
                writer.execute("BEGIN IMMEDIATE")
                writer.execute(ENTRY_INSERT, entry_row(owner_id, written[0]))
                writer.execute("COMMIT")
                written[0] += 1
        except sqlite3.Error as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while written[0] < 20 and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.001)
        before = written[0]
        results = [backup(runner, "--to", str(tmp_path / "b"), "--keep", "5")
                   for _ in range(3)]
        during = written[0] - before
    finally:
        stop.set()
        thread.join()

    assert not errors
    assert [result.exit_code for result in results] == [0, 0, 0], results[0].output
    assert during > 0, "the writer was blocked while the backups ran"
    copies = backups_in(tmp_path / "b")
    assert len(copies) == 3
    for path in copies:
        assert integrity(path) == ["ok"]
        assert 20_000 + before <= entry_count(path) <= 20_000 + written[0]


def test_backup_on_postgresql_points_to_pg_dump(postgres_app):
    result = backup(postgres_app.test_cli_runner())

    assert result.exit_code == 1
    assert "pg_dump" in result.output


def sealed_rows_in(path: Path) -> dict[str, list[tuple]]:
    """The stored rows of the tables holding sealed fields, read from the file itself."""
    with closing(raw(path)) as connection:
        return {name: connection.execute(
            f"SELECT * FROM {name} ORDER BY rowid").fetchall()  # noqa: S608
                for name in SEALED_TABLES}


def test_a_backup_restores_the_journal_as_it_was(runner, client, login, user, make_entry,
                                                 database, tmp_path):
    kept = make_entry(user, "The first draft of the #zeppelin plan", title="Kept")
    kept_id = kept.id
    db.session.rollback()
    stored = sealed_rows_in(database)
    assert backup(runner, "--to", str(tmp_path / "b")).exit_code == 0
    [copy] = backups_in(tmp_path / "b")
    # The backup holds the rows as stored: sealed, byte for byte, no word of them plain.
    assert sealed_rows_in(copy) == stored
    for rows in stored.values():
        for row in rows:
            assert not any(b"zeppelin" in (value.encode() if isinstance(value, str) else value)
                           for value in row if isinstance(value, str | bytes))
    delete_entry(db.session.get(Entry, kept_id))
    make_entry(user, "Written after the backup", title="Later")
    find_user("ana").display_name = "Changed"
    db.session.commit()

    # The README's restore: stop the journal, remove -wal and -shm, copy the backup over.
    db.session.remove()
    db.engine.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(copy, database)

    assert [entry.title for entry in db.session.scalars(select(Entry))] == ["Kept"]
    ana = find_user("ana")
    assert ana.display_name == "ana"
    assert [hit.entry.title for hit in search(ana, "zeppelin").hits] == ["Kept"]
    # The owner signs in to the restored journal and reads it.
    assert login("ana").status_code == 302
    page = client.get(f"/entries/{kept_id}").get_data(as_text=True)
    assert "Kept" in page and "The first draft of the" in page
    result = invoke(runner, "check")
    assert result.exit_code == 0, result.output


# --- check ---------------------------------------------------------------------------------

def test_check_passes_on_a_healthy_database(runner, user, make_entry):
    make_entry(user, "One")
    make_entry(user, "Two", tags="work")

    result = invoke(runner, "check")

    assert result.exit_code == 0, result.output
    for line in ("integrity_check: ok", "foreign_key_check: ok", "the newest",
                 "search index: 2 documents for 2 entries",
                 "running totals: 1 account compared with a recount", "All checks passed."):
        assert line in result.output


def test_check_reports_a_broken_foreign_key(runner, user, database):
    connection = raw(database)
    connection.execute("PRAGMA foreign_keys = OFF")
    connection.execute("INSERT INTO user_sessions (user_id, token_hash, created_at, expires_at) "
                       "VALUES (999, 'orphan', '2024-01-01 00:00:00', '2099-01-01 00:00:00')")
    connection.close()

    result = invoke(runner, "check")

    assert result.exit_code == 1
    assert "foreign_key_check: 1 broken reference" in result.output
    assert "user_sessions row 1 refers to a missing users row" in result.output


def test_check_reports_an_out_of_date_schema(app, runner, user):
    downgrade(revision="-1")
    db.session.remove()

    result = invoke(runner, "check")

    assert result.exit_code == 1
    assert "The schema is out of date" in result.output
    assert "flask --app journal db upgrade" in result.output


def test_check_reports_entries_missing_from_the_search_index(runner, user, make_entry,
                                                             database):
    hidden = make_entry(user, "Hidden from search").id
    make_entry(user, "Still found")
    db.session.rollback()
    connection = raw(database)
    connection.execute("DELETE FROM entries_fts WHERE rowid = ?", (hidden,))
    connection.close()

    result = invoke(runner, "check")

    assert result.exit_code == 1
    assert "search index: 1 documents for 2 entries" in result.output
    assert "1 entries have no document" in result.output
    assert "flask --app journal reindex" in result.output
    assert invoke(runner, "reindex").exit_code == 0
    assert invoke(runner, "check").exit_code == 0


def test_check_reports_totals_that_differ_from_the_entries_and_recount_mends_them(
        runner, user, make_entry, database):
    make_entry(user, "One #work")
    make_entry(user, "Two #work")
    db.session.rollback()
    connection = raw(database)
    connection.execute("UPDATE day_totals SET entries = 5")
    connection.execute("UPDATE tags SET entry_count = 1")
    connection.close()

    result = invoke(runner, "check")

    assert result.exit_code == 1
    assert "running totals: 1 account compared with a recount" in result.output
    assert "The running totals of 1 account(s) differ from their entries (ana)" in result.output
    assert "flask --app journal recount" in result.output
    recount = invoke(runner, "recount")
    assert recount.exit_code == 0 and "Counted the totals of 1 account(s)" in recount.output
    assert invoke(runner, "check").exit_code == 0


def test_check_reports_a_damaged_file(runner, user, make_entry, database):
    """An index that no longer matches its table, as a damaged page would leave it."""
    make_entry(user, "Indexed by owner", title="A title")
    connection = raw(database)
    connection.execute("PRAGMA writable_schema = ON")
    connection.execute("UPDATE sqlite_master SET sql = replace(sql, '(owner_id)', '(title)') "
                       "WHERE name = 'ix_entries_owner_id'")
    connection.close()

    result = invoke(runner, "check")

    assert result.exit_code == 1
    assert "The database file is damaged" in result.output


def test_check_of_a_missing_database_says_how_to_create_it_and_creates_nothing(tmp_path):
    missing = tmp_path / "missing.sqlite3"
    for app in _app(make_config(missing)):
        result = invoke(app.test_cli_runner(), "check")

    assert result.exit_code == 1
    assert "There is no database" in result.output
    assert "db upgrade" in result.output
    assert not missing.exists()


def test_check_on_postgresql_scans_references_instead_of_pragmas(postgres_app):
    runner = postgres_app.test_cli_runner()
    healthy = invoke(runner, "check")
    assert healthy.exit_code == 0, healthy.output
    assert "integrity_check: skipped" in healthy.output
    assert "references checked, none broken" in healthy.output
    assert "search index: 0 documents for 0 entries" in healthy.output

    with db.engine.begin() as connection:
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(
            "INSERT INTO user_sessions (user_id, token_hash, created_at, expires_at) "
            "VALUES (999, 'orphan', now(), now() + interval '1 day')"))

    broken = invoke(runner, "check")
    assert broken.exit_code == 1
    assert "1 user_sessions row(s) refer to a missing users row" in broken.output


# --- copy-db -------------------------------------------------------------------------------

@pytest.fixture
def postgres_app(postgres_database):
    yield from _app({**make_config(Path("unused")), "SQLALCHEMY_DATABASE_URI": postgres_database})


@pytest.fixture
def bare_postgres_database(postgres_server_url, postgres_template):
    """A database with no tables at all, as ``createdb`` leaves it."""
    name = "journal_bare_" + uuid.uuid4().hex[:12]
    with postgres_template.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield postgres_server_url.rsplit("/", 1)[0] + "/" + name
    with postgres_template.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture
def populated(user, other_user, make_entry, login):
    """A journal with something in every table: tags, a reframe, a win, an entry that
    answered one's own prompt, a hidden built-in prompt, a session and a failed login."""
    make_entry(user, "Launched the zeppelin tracker", title="Zeppelin", tags="work/launch, win")
    make_entry(other_user, "Bo's own zeppelin notes", title="Bo's zeppelin")
    create_entry(user, title=None, body="", tags=[("doubt", "Doubt")], reframe={
        "happened": "The demo crashed", "critic": "I am a fraud", "belief_before": 8,
        "belief_after": 3})
    create_entry(user, title="Fixed the build", body="Bisected it.", tags=[], is_win=True,
                 win_part="I bisected the flaky test")
    builtin = db.session.scalars(select(Prompt).where(Prompt.owner_id.is_(None))).first()
    own = create_own_prompt(user, text="What did I learn today?", theme=builtin.theme)
    create_entry(user, title="Learned", body="About sequences.", tags=[], prompt=own)
    hide_prompt(user, builtin)
    db.session.add(LoginFailure(username="ana", address="192.0.2.7"))
    db.session.commit()
    assert login(user).status_code == 302
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in copied_tables()}


def copy_db(runner, url):
    return invoke(runner, "copy-db", "--to", url)


def target_app(url: str):
    return create_app({**make_config(Path("unused")), "SQLALCHEMY_DATABASE_URI": url})


SEALED_TABLES = ("entries", "reframes", "tags", "prompts")


def stored_rows(connection, name: str) -> list[dict]:
    """Every row of the table ``name`` as stored, by primary key (bytes as bytes)."""
    table = db.metadata.tables[name]
    return [{key: bytes(value) if isinstance(value, memoryview) else value
             for key, value in row._mapping.items()}
            for row in connection.execute(select(table).order_by(*table.primary_key.columns))]


def test_copy_db_moves_a_journal_to_postgresql(runner, populated, postgres_database):
    source_ids = db.session.scalars(select(Entry.id).order_by(Entry.id)).all()
    zeppelin = next(entry for entry in db.session.scalars(select(Entry))
                    if entry.owner_id == find_user("ana").id and entry.title == "Zeppelin")
    zeppelin_id, source_created = zeppelin.id, zeppelin.created_at
    source_rows = {name: stored_rows(db.session.connection(), name) for name in SEALED_TABLES}
    assert all(row["sealed"] for row in source_rows["entries"])
    assert all(row["name_key"] for row in source_rows["tags"])
    # A terminal holds nobody's key: the rows go across as they are stored.
    for user in db.session.scalars(select(User)):
        keyring.forget(user.id)
    # The plain postgresql:// form, as a hosting provider hands it out.
    url = postgres_database.replace("postgresql+psycopg://", "postgresql://")

    result = copy_db(runner, url)

    assert result.exit_code == 0, result.output
    assert f"entries: {populated['entries']}" in result.output
    assert "login_failures" not in result.output
    target = target_app(postgres_database)
    with target.app_context():
        try:
            for table in copied_tables():
                found = db.session.scalar(select(func.count()).select_from(table))
                assert found == populated[table.name], table.name
            assert populated["entry_tags"] and populated["prompt_hides"]
            assert populated["reframes"] == 1 and populated["user_sessions"] == 1
            assert count(LoginFailure) == 0
            assert db.session.scalars(select(Entry.id).order_by(Entry.id)).all() == source_ids
            for name in SEALED_TABLES:  # uid, sealed, name_key: byte for byte
                assert stored_rows(db.session.connection(), name) == source_rows[name], name
            ana, bo = find_user("ana"), find_user("bo")
            assert ana.is_admin and not bo.is_admin
            db.session.rollback()

            # The owner signs in on the copy and reads what they wrote there.
            client = target.test_client()
            response = client.post("/auth/login",
                                   data={"username": "ana", "password": PASSWORD})
            assert response.status_code == 302
            page = client.get(f"/entries/{zeppelin_id}").get_data(as_text=True)
            assert "Zeppelin" in page and "Launched the zeppelin tracker" in page
            assert "work/launch" in client.get("/tags/").get_data(as_text=True)
            reframe = client.get("/entries/?kind=reframe").get_data(as_text=True)
            assert "The demo crashed" in reframe
            assert client.get(f"/entries/{source_ids[1]}").status_code == 404  # Bo's

            # New rows get fresh ids: the sequences moved past the copied ones.
            response = client.post("/entries/new", data={
                "title": "On PostgreSQL", "body": "New here.", "tags": "fresh"})
            assert response.status_code == 302
            new_id = int(response.headers["Location"].rsplit("/", 1)[1])
            assert new_id > max(source_ids)
            newcomer = create_user("cleo", PASSWORD)
            db.session.commit()
            assert newcomer.id > bo.id
            entry = db.session.get(Entry, new_id)
            assert entry.created_at > source_created and entry.sealed is not None
            assert invoke(target.test_cli_runner(), "check").exit_code == 0
        finally:
            db.session.remove()
            db.engine.dispose()


def test_copy_db_migrates_a_bare_database_first(runner, populated, bare_postgres_database):
    result = copy_db(runner, bare_postgres_database)

    assert result.exit_code == 0, result.output
    target = target_app(bare_postgres_database)
    with target.app_context():
        try:
            assert count(Entry) == populated["entries"]
            assert count(EntryTag) == populated["entry_tags"]
            assert count(PromptHide) == 1
            assert invoke(target.test_cli_runner(), "check").exit_code == 0
        finally:
            db.session.remove()
            db.engine.dispose()


def test_copy_db_refuses_a_database_that_already_holds_a_journal(runner, populated,
                                                                 postgres_database):
    assert copy_db(runner, postgres_database).exit_code == 0
    only_in_sqlite = create_entry(find_user("ana"), title="Only in SQLite", body="",
                                  tags=[]).id
    db.session.commit()

    result = copy_db(runner, postgres_database)

    assert result.exit_code == 1
    assert "already holds a journal (2 accounts" in result.output
    target = target_app(postgres_database)
    with target.app_context():
        try:
            assert db.session.get(Entry, only_in_sqlite) is None
            assert count(Entry) == populated["entries"]
        finally:
            db.session.remove()
            db.engine.dispose()


def test_copy_db_refuses_a_database_of_another_application(runner, populated,
                                                           bare_postgres_database):
    target = target_app(bare_postgres_database)
    with target.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE invoices (id serial PRIMARY KEY)"))
        db.engine.dispose()

    result = copy_db(runner, bare_postgres_database)

    assert result.exit_code == 1
    assert "holds tables that are not the journal's (invoices)" in result.output
    with target.app_context():
        try:
            with db.engine.connect() as connection:
                assert connection.scalar(text("SELECT to_regclass('users')")) is None
        finally:
            db.engine.dispose()


def test_copy_db_keeps_nothing_when_a_row_is_refused(runner, populated, database,
                                                     postgres_database):
    """SQLite does not enforce string lengths; PostgreSQL does. One refused row, late in
    the copy, leaves the target as empty as it was."""
    learned = next(entry.id for entry in db.session.scalars(select(Entry))
                   if entry.title == "Learned")
    db.session.rollback()
    connection = raw(database)
    connection.execute("UPDATE entries SET title = ? WHERE id = ?", ("x" * 300, learned))
    connection.close()

    result = copy_db(runner, postgres_database)

    assert result.exit_code == 1
    assert "nothing was kept" in result.output
    assert "value too long" in result.output
    target = target_app(postgres_database)
    with target.app_context():
        try:
            assert count(User) == 0
            assert count(Entry) == 0
            assert count(Prompt) > 0  # the built-ins the migration synced are still there
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://journal@localhost/journal", "(postgresql://...), not mysql"),
    ("sqlite:///elsewhere.sqlite3", "must be a PostgreSQL database"),
    ("not a url", "not a database URL"),
    ("postgresql://journal@localhost", "names no database"),
])
def test_copy_db_explains_a_bad_url(runner, user, url, message):
    result = copy_db(runner, url)

    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+psycopg2"])
def test_copy_db_explains_an_unreachable_server(runner, user, scheme):
    result = copy_db(runner, f"{scheme}://journal:s3cret@127.0.0.1:1/journal")

    assert result.exit_code == 1
    assert "Cannot use postgresql+psycopg://journal:***@127.0.0.1:1/journal" in result.output
    assert "s3cret" not in result.output
