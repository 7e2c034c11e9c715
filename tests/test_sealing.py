"""Sealed rows: what a person writes is stored only sealed, bound to its row; a journal
from before encryption is sealed at its owner's next sign-in, resumably; a row that
does not open shows as damaged and never takes a page down."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text, update

from journal.crypto import keyring
from journal.entries.services import create_entry
from journal.extensions import db
from journal.models import AccountKey, Entry, Reframe, Tag, User
from journal.sealing import batches
from tests.conftest import PASSWORD

MARKERS = ("zanzibarquill", "oxbowlantern", "mintwhistle")


def write_before_encryption(owner: User, count: int) -> list[int]:
    """Make ``owner`` an account from before encryption, with ``count`` plain entries
    carrying the marker words in their title, body, tags and reframe."""
    db.session.execute(delete(AccountKey).where(AccountKey.user_id == owner.id))
    db.session.execute(update(User).where(User.id == owner.id).values(sealed_at=None))
    db.session.commit()
    keyring.forget(owner.id)
    ids = []
    for number in range(count):
        entry = create_entry(
            owner, title=f"{MARKERS[0]} {number}", body=f"Wrote about {MARKERS[1]}.",
            tags=[(MARKERS[2], MARKERS[2])],
            reframe={"happened": f"{MARKERS[1]} review", "belief_before": 8,
                     "belief_after": 3} if number % 2 else None)
        ids.append(entry.id)
    db.session.commit()
    return ids


def stored_plain_text() -> str:
    """Every plain column that can hold what a person wrote, joined."""
    parts = []
    for table, columns in (("entries", "title, body, prompt_text, win_part"),
                           ("reframes", "happened, critic, evidence_for, next_step"),
                           ("tags", "name, display_name"), ("prompts", "text, why")):
        for row in db.session.execute(text(f"SELECT {columns} FROM {table}")):  # noqa: S608
            parts.extend(str(value) for value in row if value is not None)
    return " ".join(parts)


def database_bytes(path: Path) -> bytes:
    return b"".join(candidate.read_bytes() for candidate in path.parent.glob(path.name + "*"))


@pytest.fixture
def database_path(app) -> Path:
    return Path(db.engine.url.database)


def test_a_new_account_stores_its_entries_sealed(logged_in, client, make_entry):
    client.post("/entries/new", data={"title": f"{MARKERS[0]} day", "body": MARKERS[1],
                                      "tags": MARKERS[2]})
    entry = db.session.scalar(select(Entry))

    assert entry.sealed is not None and entry.uid is not None
    assert all(marker not in stored_plain_text() for marker in MARKERS)
    assert MARKERS[0].encode() not in entry.sealed
    assert MARKERS[0] in client.get(f"/entries/{entry.id}").get_data(as_text=True)


@pytest.mark.one_backend
def test_an_old_journal_is_sealed_at_the_next_sign_in(user, login, client, database_path):
    ids = write_before_encryption(user, 6)
    assert MARKERS[0] in stored_plain_text()
    db.session.close()  # a reader would hold back the log's truncation (it is retried)

    assert login("ana").status_code == 302

    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.username == "ana"))
    assert user.sealed_at is not None
    assert db.session.scalar(select(AccountKey).where(AccountKey.user_id == user.id))
    assert all(marker not in stored_plain_text() for marker in MARKERS)
    on_disk = database_bytes(database_path)
    assert all(marker.encode() not in on_disk for marker in MARKERS)
    page = client.get(f"/entries/{ids[1]}").get_data(as_text=True)
    assert f"{MARKERS[0]} 1" in page and f"{MARKERS[1]} review" in page
    assert f"{MARKERS[0]} 5" in client.get(f"/search?q={MARKERS[1]}").get_data(as_text=True)
    assert client.get(f"/tags/{MARKERS[2]}").status_code == 200


def test_sealing_continues_a_batch_per_request(user, login, client, app, monkeypatch):
    write_before_encryption(user, 7)
    app.config["SEALING_SECONDS_AT_SIGN_IN"] = 0
    monkeypatch.setattr(batches, "BATCH", 2)
    login(user)
    db.session.expire_all()
    assert db.session.get(User, user.id).sealed_at is None
    assert MARKERS[0] in stored_plain_text()

    for _ in range(10):
        assert client.get("/entries/").status_code == 200

    db.session.expire_all()
    assert db.session.get(User, user.id).sealed_at is not None
    assert all(marker not in stored_plain_text() for marker in MARKERS)
    listed = client.get("/entries/").get_data(as_text=True)
    assert all(f"{MARKERS[0]} {number}" in listed for number in range(7))


SEALER = textwrap.dedent("""
    import sys, time
    from journal import create_app
    from journal.auth.keys import unlock_with_password
    from journal.extensions import db
    from journal.models import User
    from journal.sealing.batches import seal_next_batch
    from tests.conftest import make_config
    from pathlib import Path

    app = create_app(make_config(Path(sys.argv[1])))
    with app.app_context():
        user = db.session.get(User, int(sys.argv[2]))
        unlock_with_password(user, sys.argv[3])
        db.session.commit()
        while seal_next_batch(user, size=1):
            db.session.commit()
            print("batch", flush=True)
            time.sleep(0.2)
""")


@pytest.mark.one_backend
def test_a_sealing_killed_halfway_loses_nothing(user, login, client, database_path):
    ids = write_before_encryption(user, 12)
    user_id = user.id
    db.session.close()  # nothing of this process holds the database while the worker runs
    worker = subprocess.Popen([sys.executable, "-c", SEALER, str(database_path), str(user_id),
                               PASSWORD], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).parent.parent, env={**os.environ})
    try:
        for _ in range(5):
            assert worker.stdout.readline().strip() == "batch"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)

    db.session.expire_all()
    sealed = db.session.scalar(select(db.func.count()).select_from(Entry)
                               .where(Entry.sealed.is_not(None)))
    assert 0 < sealed < len(ids)
    assert db.session.get(User, user_id).sealed_at is None

    assert login("ana").status_code == 302

    db.session.expire_all()
    assert db.session.get(User, user_id).sealed_at is not None
    assert all(marker not in stored_plain_text() for marker in MARKERS)
    listed = client.get("/entries/?per_page=50").get_data(as_text=True)
    assert all(f"{MARKERS[0]} {number}" in listed for number in range(12))


def test_a_changed_row_shows_as_damaged_and_the_rest_still_works(logged_in, client, make_entry):
    damaged = make_entry(logged_in, "The part that gets changed.", title="Changed")
    make_entry(logged_in, "Still fine.", title="Untouched")
    stored = bytearray(damaged.sealed)
    stored[-1] ^= 1
    db.session.execute(update(Entry).where(Entry.id == damaged.id).values(sealed=bytes(stored)))
    db.session.commit()

    listed = client.get("/entries/").get_data(as_text=True)
    assert "Damaged entry" in listed and "Untouched" in listed
    page = client.get(f"/entries/{damaged.id}")
    assert page.status_code == 200 and "no longer" in page.get_data(as_text=True)
    edit = client.post(f"/entries/{damaged.id}/edit", data={"body": "new", "version": 1})
    assert edit.status_code == 409
    assert "nothing was changed" in edit.get_data(as_text=True)


def test_a_value_moved_to_another_row_or_account_does_not_open(logged_in, client, make_entry,
                                                              other_user):
    mine = make_entry(logged_in, "Mine to keep.", title="First")
    target = make_entry(logged_in, "Another.", title="Second")
    theirs = make_entry(other_user, "Theirs.", title="Theirs")
    db.session.execute(update(Entry).where(Entry.id.in_([target.id, theirs.id]))
                       .values(sealed=mine.sealed))
    db.session.commit()

    assert "Damaged entry" in client.get(f"/entries/{target.id}").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Entry, theirs.id).unreadable == "damaged"
    assert "Mine to keep." in client.get(f"/entries/{mine.id}").get_data(as_text=True)


def test_another_accounts_rows_stay_locked_to_this_session(logged_in, other_user, make_entry):
    theirs = make_entry(other_user, "Theirs alone.", tags="private")
    keyring.forget(other_user.id)
    db.session.expire_all()

    entry = db.session.get(Entry, theirs.id)
    assert entry.unreadable == "locked" and entry.body == ""
    assert db.session.scalar(select(Tag).where(Tag.owner_id == other_user.id)).unreadable
    assert db.session.scalar(select(Reframe)) is None


def test_check_counts_accounts_still_plain_and_reports_plain_text_left(user, other_user,
                                                                       make_entry, runner):
    make_entry(other_user, "Sealed words.", tags="fine")
    write_before_encryption(user, 2)

    waiting = runner.invoke(args=["check"])
    assert waiting.exit_code == 0, waiting.output
    assert "encryption: 1 account sealed; 1 still readable in the database until their next " \
           "sign-in (ana)" in waiting.output

    db.session.execute(update(Entry).where(Entry.owner_id == other_user.id)
                       .values(plain_body="written around the journal"))
    db.session.commit()
    leaked = runner.invoke(args=["check"])
    assert leaked.exit_code != 0
    assert "Plain text is left in sealed accounts (1 in entries)" in leaked.output


def test_the_admin_page_counts_accounts_not_yet_encrypted(logged_in, other_user, client):
    write_before_encryption(other_user, 1)

    page = client.get("/admin/").get_data(as_text=True)

    assert "1 account from before encryption is still readable in the database: bo." in page
    assert "Not yet encrypted" in page
