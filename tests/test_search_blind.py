"""Search over encrypted journals: the index holds keyed digests of the words, never the
words, and every part of the query language still works through them. An account
without keys (its rows still plain) keeps plain words. Documents of a journal whose key
is not held are never emptied; ``reindex --user`` writes them with the password.
Every test runs on SQLite (FTS5) and on PostgreSQL (tsvector)."""

import re
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from journal import create_app
from journal.auth.keys import make_recovery_key
from journal.crypto import keyring
from journal.crypto.recovery import new_recovery_key
from journal.extensions import db
from journal.fulltext.index import index_entries
from journal.models import AccountKey, User
from journal.search.service import SearchFilters, search
from tests.conftest import OTHER_PASSWORD, PASSWORD, make_config

MARKERS = ("quokkazest", "zanzibarian", "mjolnirwhisk", "purplewombat", "okapijuggler")


@pytest.fixture
def app(any_backend_app):
    return any_backend_app


def day(number: int) -> datetime:
    return datetime(2026, 3, number, 12, tzinfo=UTC)


@pytest.fixture
def journal(user, make_entry):
    """Ana's encrypted journal; each entry carries marker words."""
    entries = {
        "launch": make_entry(user, "The quokkazest launch shipped on time.", title="Launch",
                             tags="work/zanzibarian", created_at=day(1)),
        "review": make_entry(user, "A mjolnirwhisk code review, harsh but fair.",
                             title="Review purplewombat", tags="work", created_at=day(5)),
        "plan": make_entry(user, "The quokkazeal deployment plan holds.", title="Plan",
                           created_at=day(10), starred=True),
        "win": make_entry(user, "Mentored Sam: the okapijuggler demo.", title="Mentoring",
                          tags="win", created_at=day(12)),
    }
    entries["win"].is_win, entries["win"].win_part = True, "I paired every evening."
    db.session.commit()
    index_entries(db.session.connection(), [entries["win"].id])
    db.session.commit()
    return entries


@pytest.fixture
def plain_user(make_user):
    """An account from before encryption: no keys, so its rows stay plain."""
    account = make_user("cleo", "a third long passphrase")
    db.session.delete(db.session.get(AccountKey, account.id))
    db.session.commit()
    keyring.forget(account.id)
    return account


def titles(owner, query, **filters) -> list[str]:
    return [hit.entry.title for hit in search(owner, query, SearchFilters(**filters)).hits]


def raw_index() -> str:
    """Every value stored in the index's tables (FTS5's shadow tables included), as text
    that keeps any letters stored in them."""
    if db.engine.dialect.name == "sqlite":
        tables = db.session.scalars(text(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'entries_fts%'"))
        rows = [row for table in list(tables)
                for row in db.session.execute(text(f"SELECT * FROM {table}"))]  # noqa: S608
    else:
        rows = db.session.execute(text(
            "SELECT entry_id, owner_id, document::text, prefixes::text FROM search_documents"))
    values = [value for row in rows for value in row]
    return "\n".join(bytes(value).decode("latin-1") if isinstance(value, bytes | memoryview)
                     else str(value) for value in values)


def fragments(word: str) -> set[str]:
    """What would betray ``word``: its beginnings from three letters, and every run of
    four letters of it (FTS5 stores a term after the part it shares with the one before)."""
    return ({word[:end] for end in range(3, len(word) + 1)}
            | {word[start:start + 4] for start in range(len(word) - 3)})


TOKEN = re.compile(r"\b[0-9a-f]{12}(?:[0-9a-f]{8})?\b")  # a beginning's digest, or a word's


def tokens_of(owner_id: int) -> set[str]:
    """The tokens in the documents of ``owner_id``."""
    if db.engine.dialect.name == "sqlite":
        rows = db.session.execute(text(
            "SELECT title || ' ' || body || ' ' || tags || ' ' || extra || ' ' || prefixes "
            "FROM entries_fts WHERE owner_id = :owner"), {"owner": owner_id})
    else:
        rows = db.session.execute(text(
            "SELECT document::text || ' ' || prefixes::text FROM search_documents "
            "WHERE owner_id = :owner"), {"owner": owner_id})
    return {token for (stored,) in rows for token in TOKEN.findall(stored)}


# --- what the index holds ----------------------------------------------------------------

def test_the_index_holds_no_word_and_no_beginning_of_one(user, journal):
    stored = raw_index()

    assert stored, "the index is empty"
    for marker in MARKERS:
        leaked = sorted(part for part in fragments(marker) if part in stored)
        assert not leaked, f"{marker} is in the index as {leaked}"
    for word in ("launch", "deployment", "review", "mentored", "paired"):
        assert word not in stored


def test_a_journal_without_keys_keeps_plain_words(plain_user, make_entry):
    make_entry(plain_user, "A quokkazest morning.", title="Plain")

    assert "quokkazest" in raw_index()  # the scan above would see a word
    assert titles(plain_user, "quokkazest") == ["Plain"]
    assert titles(plain_user, "quok*") == ["Plain"]
    assert titles(plain_user, '"quokkazest morning"') == ["Plain"]


def test_the_same_words_give_other_tokens_in_another_journal(user, other_user, make_entry):
    make_entry(user, "quokkazest lagoon sunrise", title="Ana's")
    make_entry(other_user, "quokkazest lagoon sunrise", title="Bo's")

    mine, theirs = tokens_of(user.id), tokens_of(other_user.id)

    assert mine and theirs and not mine & theirs
    assert titles(user, "quokkazest") == ["Ana's"]
    assert titles(other_user, "quokkazest") == ["Bo's"]
    assert titles(other_user, "quokk*") == ["Bo's"]


def test_a_word_gives_one_token_and_one_for_each_beginning(user, make_entry):
    make_entry(user, "deploy deploy deploy", title="Deploy")

    # deploy, and the beginnings de, dep, depl and deplo (once each, however often)
    assert len(tokens_of(user.id)) == 5


# --- every part of the query language on an encrypted journal ------------------------------

def test_words_must_all_match_in_any_case_and_without_accents(user, journal):
    assert titles(user, "QUOKKAZEST launch") == ["Launch"]
    assert titles(user, "quokkazest review") == []
    assert titles(user, "Quökkazest") == ["Launch"]


def test_phrases_match_words_next_to_each_other_in_order(user, journal):
    assert titles(user, '"mjolnirwhisk code review"') == ["Review purplewombat"]
    assert titles(user, '"code mjolnirwhisk"') == []
    assert titles(user, '"harsh fair"') == []


def test_prefixes_find_longer_words_and_the_word_itself(user, journal):
    assert titles(user, "quokka*") == ["Plan", "Launch"]  # quokkazeal, quokkazest
    assert titles(user, "quokkazes*") == ["Launch"]
    assert titles(user, "quokkazest*") == ["Launch"]  # the whole word
    assert titles(user, "qu*") == ["Plan", "Launch"]
    assert titles(user, "zanzib*") == ["Launch"]  # in a tag
    assert titles(user, "pai*") == ["Mentoring"]  # in a win's part
    assert titles(user, "quokkazesty*") == []


def test_a_one_letter_prefix_is_a_whole_word_with_a_note(user, journal, make_entry):
    make_entry(user, "Plan b, again.", title="Fallback", created_at=day(20))

    results = search(user, "b*")

    assert [hit.entry.title for hit in results.hits] == ["Fallback"]
    assert "searched as a whole word" in " ".join(results.parsed.notes)


def test_excluded_words_phrases_and_prefixes_leave_entries_out(user, journal):
    assert titles(user, "quokka* -deployment") == ["Launch"]
    assert titles(user, "quokka* -deploy*") == ["Launch"]
    assert titles(user, 'quokka* -"quokkazest launch"') == ["Plan"]
    assert titles(user, "-quokka* -mjolnirwhisk -okapi*") == []
    assert titles(user, "-quokka*") == ["Mentoring", "Review purplewombat"]


def test_or_groups_take_either_side(user, journal):
    assert titles(user, "mjolnirwhisk OR okapijuggler") == ["Mentoring", "Review purplewombat"]
    assert titles(user, "quokka* OR okapi*") == ["Mentoring", "Plan", "Launch"]
    assert titles(user, "mjolnirwhisk OR quokkazeal review") == ["Review purplewombat"]


def test_filters_combine_with_encrypted_words(user, journal):
    assert titles(user, "tag:work quokka*") == ["Launch"]
    assert titles(user, "tag:work/zanzibarian") == ["Launch"]
    assert titles(user, "is:starred quokka*") == ["Plan"]
    assert titles(user, "is:win okapijuggler") == ["Mentoring"]
    assert titles(user, "quokka* after:2026-03-05") == ["Plan"]
    assert titles(user, "quokka* before:2026-03-05") == ["Launch"]
    assert titles(user, "quokka*", starred=True) == ["Plan"]
    assert titles(user, "quokka*", tags=("work",)) == ["Launch"]


def test_ranking_puts_title_matches_first(user, journal, make_entry):
    make_entry(user, "Only a passing purplewombat here.", title="Later", created_at=day(20))

    assert titles(user, "purplewombat") == ["Review purplewombat", "Later"]
    assert search(user, "purplewombat").order == "best"


def test_results_pages_highlight_the_decrypted_words(client, logged_in, journal):
    page = client.get("/search", query_string={"q": "quokka*"}).get_data(as_text=True)

    assert "<mark>quokkazest</mark>" in page and "<mark>quokkazeal</mark>" in page
    page = client.get("/search", query_string={"q": '"code review"'}).get_data(as_text=True)
    assert "<mark>code</mark> <mark>review</mark>" in page


def test_the_other_user_finds_only_their_own(app, user, other_user, journal, make_entry):
    make_entry(other_user, "My own quokkazest.", title="Bo private")
    client = app.test_client()
    client.post("/auth/login", data={"username": "bo", "password": OTHER_PASSWORD})

    page = client.get("/search", query_string={"q": "quokka* OR mjolnirwhisk"}).get_data(
        as_text=True)

    assert "Bo private" in page
    assert "purplewombat" not in page and "quokkazeal" not in page


# --- writing documents without the key -------------------------------------------------------

def test_work_without_the_key_leaves_documents_as_they_were(app, user, journal):
    before = raw_index()
    ids = [entry.id for entry in journal.values()]
    db.session.commit()

    with app.app_context():  # a command or job: holds no key
        result = index_entries(db.session.connection(), ids)
        db.session.commit()

    assert result.written == 0 and result.skipped == {user.id: len(ids)}
    assert raw_index() == before
    assert titles(user, "quokkazest") == ["Launch"]


def test_without_the_key_words_find_nothing(app, user, journal):
    owner_id, starred = user.id, journal["plan"].id
    db.session.commit()
    with app.app_context():  # a session that holds no key (after a password reset)
        owner = db.session.get(type(user), owner_id)
        assert search(owner, "quokkazest").hits == []
        assert search(owner, "-quokkazest").hits == []
        assert [hit.entry.id for hit in search(owner, "is:starred").hits] == [starred]
        db.session.rollback()


# --- reindex ------------------------------------------------------------------------------

def clear_documents(owner_id: int) -> None:
    table = "entries_fts" if db.engine.dialect.name == "sqlite" else "search_documents"
    db.session.execute(text(f"DELETE FROM {table} WHERE owner_id = :owner"),  # noqa: S608
                       {"owner": owner_id})
    db.session.commit()


def reindex(app, *args, input=None):
    """``flask reindex`` as a command runs it: in its own context, holding no key."""
    db.session.commit()
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["reindex", *args], input=input)
    db.session.expire_all()
    return result


def test_reindex_rebuilds_plain_journals_and_lists_the_encrypted_ones(
        app, user, other_user, plain_user, journal, make_entry):
    make_entry(plain_user, "An older quokkazest entry.", title="Cleo's")
    make_entry(other_user, "Bo's entry.", title="Bo's")
    before = tokens_of(user.id)
    clear_documents(plain_user.id)

    result = reindex(app)

    assert result.exit_code == 0, result.output
    assert "Indexed 1 entry" in result.output
    assert "Left 5 entries of 2 encrypted journals as they were" in result.output
    assert "ana: 4 entries" in result.output and "bo: 1 entry" in result.output
    assert "reindex --user NAME" in result.output
    assert tokens_of(user.id) == before  # never emptied
    assert titles(plain_user, "quokkazest") == ["Cleo's"]


def test_reindex_with_the_password_writes_an_encrypted_journal(app, user, journal):
    clear_documents(user.id)
    assert titles(user, "quokkazest") == []

    result = reindex(app, "--user", "ana", input=PASSWORD + "\n")

    assert result.exit_code == 0, result.output
    assert "Password of ana" in result.output and PASSWORD not in result.output
    assert "Indexed 4 entries" in result.output
    assert titles(user, "quokkazest") == ["Launch"]
    assert titles(user, "quokka*") == ["Plan", "Launch"]
    assert not any(part in raw_index() for part in fragments("quokkazest"))


def test_reindex_with_a_wrong_password_changes_nothing(app, user, journal):
    clear_documents(user.id)

    result = reindex(app, "--user", "ana", input="not the password\n")

    assert result.exit_code != 0
    assert "That password does not open the journal of 'ana'. Nothing was changed." in (
        result.output)
    assert "--recovery-key" in result.output
    assert tokens_of(user.id) == set()


def test_reindex_reads_the_password_from_stdin_for_scripts(app, user, journal):
    clear_documents(user.id)

    result = reindex(app, "--user", "ana", "--password-stdin", input=PASSWORD + "\n")

    assert result.exit_code == 0, result.output
    assert titles(user, "okapijuggler") == ["Mentoring"]


def test_reindex_with_the_recovery_key(app, user, journal):
    shown = make_recovery_key(user, keyring.data_key(user.id))
    clear_documents(user.id)

    for typed, message in ((shown[:-1] + "X", "has a typo"),
                           (new_recovery_key()[1], "does not open the journal of 'ana'")):
        wrong = reindex(app, "--user", "ana", "--recovery-key", input=typed + "\n")
        assert wrong.exit_code != 0, wrong.output
        assert message in wrong.output and "Nothing was changed." in wrong.output
    assert tokens_of(user.id) == set()

    result = reindex(app, "--user", "ana", "--recovery-key", input=shown + "\n")
    assert result.exit_code == 0, result.output
    assert "Recovery key of ana" in result.output
    assert titles(user, "quokkazest") == ["Launch"]


def test_reindex_of_an_account_without_keys_asks_nothing(app, plain_user, make_entry):
    make_entry(plain_user, "A quokkazest note.", title="Cleo's")
    clear_documents(plain_user.id)

    result = reindex(app, "--user", "cleo")

    assert result.exit_code == 0, result.output
    assert "no password needed" in result.output
    assert titles(plain_user, "quokkazest") == ["Cleo's"]


def test_reindex_of_an_unknown_account_says_so(app):
    result = reindex(app, "--user", "nobody", input="x\n")
    assert result.exit_code != 0 and "There is no account named 'nobody'" in result.output


# --- the migration ------------------------------------------------------------------------

def checkpointed(file: Path) -> bytes:
    """The bytes of an SQLite database file, its write-ahead log copied in first."""
    with closing(sqlite3.connect(file)) as connection:
        assert connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    return file.read_bytes()


def test_the_migration_keeps_plain_documents_and_drops_those_of_sealed_rows(
        app, user, plain_user, make_entry):
    sealed = make_entry(user, "A quokkazest secret.", title="Sealed")
    make_entry(plain_user, "An okapijuggler morning.", title="Plain")
    db.session.commit()
    downgrade(revision="0011")
    table = "entries_fts" if db.engine.dialect.name == "sqlite" else "search_documents"
    # What the index held before: the sealed row's words in plain text.
    if table == "entries_fts":
        db.session.execute(text("INSERT INTO entries_fts (rowid, title, body, tags, extra, "
                                "owner_id) VALUES (:id, 'Sealed', 'quokkazest', '', '', :o)"),
                           {"id": sealed.id, "o": user.id})
    else:
        db.session.execute(text("INSERT INTO search_documents (entry_id, owner_id, document) "
                                "VALUES (:id, :o, to_tsvector('simple', 'quokkazest'))"),
                           {"id": sealed.id, "o": user.id})
    db.session.commit()
    if table == "entries_fts":
        assert b"quokkazest" in checkpointed(Path(db.engine.url.database))

    upgrade()

    stored = raw_index()
    assert "quokkazest" not in stored and "okapijuggler" in stored
    assert titles(plain_user, "okapi*") == ["Plain"]
    assert titles(plain_user, '"okapijuggler morning"') == ["Plain"]
    assert db.session.scalar(text(f"SELECT count(*) FROM {table}")) == 1  # noqa: S608
    if table == "entries_fts":  # the old table's pages were overwritten, not just freed
        db.session.commit()
        assert b"quokkazest" not in checkpointed(Path(db.engine.url.database))


# --- copy-db --------------------------------------------------------------------------------

def test_copy_db_carries_an_encrypted_journals_documents(app, user, journal, request):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("copy-db copies an SQLite journal")
    url = request.getfixturevalue("postgres_database")
    owner_id, data_key = user.id, keyring.data_key(user.id)
    db.session.commit()

    with app.app_context():  # the command holds no key
        result = app.test_cli_runner().invoke(args=["copy-db", "--to", url])

    assert result.exit_code == 0, result.output
    assert "4 entries indexed" in result.output and "no document" not in result.output
    target = create_app({**make_config(Path("unused")), "SQLALCHEMY_DATABASE_URI": url})
    with target.app_context():
        try:
            keyring.grant(owner_id, data_key)
            owner = db.session.get(User, owner_id)
            assert titles(owner, "quokka*") == ["Plan", "Launch"]
            assert titles(owner, '"mjolnirwhisk code review"') == ["Review purplewombat"]
            assert titles(owner, "tag:work okapijuggler") == []
            assert not any(part in raw_index() for part in fragments("quokkazest"))
        finally:
            db.session.remove()
            db.engine.dispose()
