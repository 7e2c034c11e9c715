"""Exports of a sealed journal: the download is the person's own words in plain text
while the stored rows hold none of them; a row that does not open becomes a marked
placeholder and the file says how many; the command asks for the password."""

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
import yaml
from sqlalchemy import select, update

from journal.auth.keys import make_recovery_key
from journal.auth.tokens import create_password_reset, use_password_reset
from journal.crypto import keyring
from journal.database import reading
from journal.entries.services import create_entry
from journal.exports.batches import EntryReader, ExportOwner
from journal.exports.cli import export_command
from journal.exports.formats import FORMATS
from journal.extensions import db
from journal.models import AccountKey, Entry, Prompt, Reframe, Tag
from journal.prompts.services import create_own_prompt
from tests.conftest import PASSWORD

MARKERS = {
    "title": "Quasarfjord", "body": "marmalade", "tag": "Zephyrwork", "win": "brambleton",
    "happened": "kumquatry", "critic": "velociraptorish", "next": "obsidianette",
    "prompt": "Glockenspielish", "belief_before": 9,
}
WORDS = [value.lower() for value in MARKERS.values() if isinstance(value, str)]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def marked(app, user):
    """Ana's journal with a marker word in every field a person writes."""
    prompt = create_own_prompt(user, text=f"What did {MARKERS['prompt']} show you?",
                               theme="value")
    note = create_entry(user, title=f"The {MARKERS['title']} launch",
                        body=f"Spread the {MARKERS['body']} thin.",
                        tags=[(MARKERS["tag"].lower(), MARKERS["tag"])],
                        created_at=at("2024-02-01T09:00:00"), is_win=True,
                        win_part=f"I asked {MARKERS['win']} early.", prompt=prompt)
    reframe = create_entry(user, title=None, body="", tags=[],
                           created_at=at("2024-02-02T09:00:00"),
                           reframe={"happened": f"The {MARKERS['happened']} demo.",
                                    "critic": f"I am {MARKERS['critic']}.",
                                    "next_step": f"Try {MARKERS['next']}.",
                                    "belief_before": 9, "belief_after": 4})
    plain = create_entry(user, title="Plain", body="Nothing to see.", tags=[],
                         created_at=at("2024-02-03T09:00:00"))
    db.session.commit()
    return {"note": note.id, "reframe": reframe.id, "plain": plain.id, "prompt": prompt.id}


def download(client, fmt: str) -> bytes:
    response = client.get(f"/account/export/{fmt}")
    assert response.status_code == 200
    return response.get_data()


def readable(fmt: str, data: bytes) -> str:
    if fmt != "markdown":
        return data.decode()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(name).decode() for name in archive.namelist())


def stored_text() -> bytes:
    """Every row of every table the models have, as stored, in one lump of bytes."""
    pieces = []
    connection = db.session.connection()
    for table in db.metadata.sorted_tables:
        for row in connection.execute(select(table)):
            for value in row:
                if isinstance(value, bytes | memoryview):
                    pieces.append(bytes(value))
                elif value is not None:
                    pieces.append(str(value).encode())
    db.session.rollback()
    return b"\n".join(pieces).lower()


def tamper(model, **where) -> None:
    """Flip one byte of a stored row's ciphertext, as damage or an edit would."""
    table = model.__table__
    condition = [table.c[name] == value for name, value in where.items()]
    sealed = bytearray(db.session.execute(select(table.c.sealed).where(*condition)).scalar_one())
    sealed[-1] ^= 0x01
    db.session.execute(update(table).where(*condition).values(sealed=bytes(sealed)))
    db.session.commit()


# --- plain downloads of sealed rows ----------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "markdown", "jrnl"])
def test_the_download_holds_every_marker_word_the_database_holds_none(client, login, marked,
                                                                      fmt):
    assert login("ana").status_code == 302
    text = readable(fmt, download(client, fmt)).lower()
    expected = WORDS if fmt != "jrnl" else [  # jrnl has no wins, prompts or ratings
        word for word in WORDS if word not in {"brambleton", "glockenspielish"}]
    for word in expected:
        assert word in text, word
    assert "unreadable" not in text

    stored = stored_text()
    for word in WORDS:
        assert word.encode() not in stored, word


def test_the_json_download_has_the_sealed_fields_in_place(client, login, marked):
    assert login("ana").status_code == 302
    document = json.loads(download(client, "json"))
    entries = {entry["id"]: entry for entry in document["entries"]}
    note, reframe = entries[marked["note"]], entries[marked["reframe"]]
    assert note["title"] == "The Quasarfjord launch"
    assert note["win"] == {"part": "I asked brambleton early."}
    assert note["prompt"] == {"text": "What did Glockenspielish show you?", "key": None,
                              "own": f"p{marked['prompt']}"}
    assert note["tags"] == ["zephyrwork"]
    assert document["tags"][0]["display_name"] == "Zephyrwork"
    assert reframe["reframe"]["critic"] == "I am velociraptorish."
    assert (reframe["reframe"]["belief_before"], reframe["reframe"]["belief_after"]) == (9, 4)
    assert "unreadable" not in document and "unreadable" not in note


# --- rows that do not open -------------------------------------------------------------------

def test_a_tampered_entry_is_a_marked_placeholder_with_its_date(client, login, marked):
    tamper(Entry, id=marked["note"])
    assert login("ana").status_code == 302

    document = json.loads(download(client, "json"))
    entries = {entry["id"]: entry for entry in document["entries"]}
    placeholder = entries[marked["note"]]
    assert placeholder["unreadable"] == "damaged"
    assert placeholder["title"] == "Damaged entry"
    assert placeholder["created_at"] == "2024-02-01T09:00:00.000000Z"
    assert "could not be opened" in placeholder["body"]
    assert placeholder["tags"] == ["zephyrwork"]  # the tag itself still opens
    assert entries[marked["plain"]]["body"] == "Nothing to see."
    assert entries[marked["reframe"]]["reframe"]["critic"] == "I am velociraptorish."
    assert document["unreadable"] == {"entries": 1, "tags": 0, "prompts": 0}
    assert "quasarfjord" not in json.dumps(document).lower()

    jrnl = json.loads(download(client, "jrnl"))
    assert [entry["title"] for entry in jrnl["entries"]][0] == "Damaged entry"
    assert jrnl["unreadable"]["entries"] == 1

    with zipfile.ZipFile(io.BytesIO(download(client, "markdown"))) as archive:
        names = archive.namelist()
        readme = archive.read("README.md").decode()
        name = "2024/2024-02-01-0900-damaged-entry.md"
        assert name in names
        head = archive.read(name).decode().split("\n---\n")[0]
    assert yaml.safe_load(head.removeprefix("---\n"))["unreadable"] == "damaged"
    assert "1 entry could not be opened" in readme


def test_a_tampered_reframe_tag_and_prompt_are_counted(client, login, marked, user):
    tamper(Reframe, entry_id=marked["reframe"])
    tamper(Tag, owner_id=user.id)
    tamper(Prompt, id=marked["prompt"])
    assert login("ana").status_code == 302

    document = json.loads(download(client, "json"))
    assert document["unreadable"] == {"entries": 1, "tags": 1, "prompts": 1}
    assert document["tags"] == [] and document["prompts"] == []
    entries = {entry["id"]: entry for entry in document["entries"]}
    reframe = entries[marked["reframe"]]
    assert reframe["unreadable"] == "damaged" and reframe["kind"] == "reframe"
    assert reframe["reframe"]["critic"] == "" and reframe["created_at"].startswith("2024-02-02")
    note = entries[marked["note"]]
    assert note["tags"] == [] and note["title"] == "The Quasarfjord launch"
    # the entry keeps the prompt text it answered; the prompt itself is left out
    assert note["prompt"] == {"text": "What did Glockenspielish show you?", "key": None,
                              "own": None}

    readme = readable("markdown", download(client, "markdown"))
    assert "1 entry, 1 tag and 1 own prompt could not be opened" in readme


def test_without_the_key_every_entry_is_a_locked_placeholder(app, user, marked):
    keyring.forget(user.id)
    db.session.expire_all()
    reader = EntryReader(user.id)
    records = list(reader)
    assert [record.unreadable for record in records] == ["locked"] * 3
    assert {record.title for record in records} == {"Locked entry"}
    assert reader.unopened.entries == 3 and reader.unopened.tags == 1


# --- memory: rows leave the session batch by batch -------------------------------------------

def test_reading_an_export_leaves_no_entry_in_the_session(app, user, marked):
    owner_id, key = user.id, keyring.data_key(user.id)
    db.session.rollback()
    with app.app_context(), reading():  # a context and session of its own, as a GET has
        keyring.grant(owner_id, key)
        owner = ExportOwner(owner_id, "ana", None, UTC)
        reader = EntryReader(owner_id, batch_size=2)
        for chunk in FORMATS["json"].write(owner, reader):
            assert chunk
            assert not [row for row in db.session.identity_map.values()
                        if isinstance(row, Entry | Reframe)]
        assert reader.count == 3
        db.session.remove()


# --- the command ----------------------------------------------------------------------------

def test_the_command_asks_for_the_password_and_writes_plain_text(app, user, marked,
                                                                 tmp_path):
    keyring.forget(user.id)  # a terminal holds no key
    target = tmp_path / "ana.json"
    result = app.test_cli_runner().invoke(
        export_command, ["--user", "ana", "--output", str(target)], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Password of 'ana'" in result.output and PASSWORD not in result.output
    assert "Wrote 3 entries" in result.output and "could not be opened" not in result.output
    text = target.read_text().lower()
    assert all(word in text for word in WORDS)


def test_a_wrong_password_writes_nothing(app, user, marked, tmp_path):
    keyring.forget(user.id)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "ana.json"
    result = app.test_cli_runner().invoke(
        export_command, ["--user", "ana", "--output", str(target), "--password-stdin"],
        input="not the password at all\n")
    assert result.exit_code == 1
    assert "That is not the password of 'ana'." in result.output
    assert not list(folder.iterdir())

    result = app.test_cli_runner().invoke(
        export_command, ["--user", "ana", "--output", "-", "--password-stdin"],
        input="not the password at all\n")
    assert result.exit_code == 1 and result.stdout_bytes == b""


def test_the_recovery_key_opens_the_journal_after_a_password_reset(app, runner, user, marked,
                                                                   tmp_path):
    shown = make_recovery_key(user, keyring.data_key(user.id))
    db.session.commit()
    result = runner.invoke(args=["reset-password", "ana", "--password-stdin"],
                           input="a brand new long passphrase\n")
    assert result.exit_code == 0, result.output
    keyring.forget(user.id)

    target = tmp_path / "ana.json"
    result = runner.invoke(export_command, ["--user", "ana", "--output", str(target),
                                            "--password-stdin"],
                           input="a brand new long passphrase\n")
    assert result.exit_code == 1 and "--recovery-key" in result.output
    assert not target.exists()

    result = runner.invoke(export_command, ["--user", "ana", "--output", str(target),
                                            "--recovery-key", "--password-stdin"],
                           input="0000-0000-0000-0000-0000-0000-0000-0000\n")
    assert result.exit_code == 1 and not target.exists()

    result = runner.invoke(export_command, ["--user", "ana", "--output", str(target),
                                            "--recovery-key"], input=shown + "\n")
    assert result.exit_code == 0, result.output
    assert "Recovery key of 'ana'" in result.output and shown not in result.output
    assert "quasarfjord" in target.read_text().lower()


def test_the_command_says_how_many_entries_did_not_open(app, user, marked, tmp_path):
    tamper(Entry, id=marked["plain"])
    keyring.forget(user.id)
    target = tmp_path / "ana.zip"
    result = app.test_cli_runner().invoke(
        export_command, ["--user", "ana", "--output", str(target), "--format", "markdown",
                         "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Wrote 3 entries" in result.output
    assert "1 entry could not be opened" in result.output
    with zipfile.ZipFile(target) as archive:
        assert "2024/2024-02-03-0900-damaged-entry.md" in archive.namelist()


def test_after_a_reset_link_the_old_entries_export_as_locked_placeholders(
        app, client, login, runner, user, marked, tmp_path):
    old_recovery = make_recovery_key(user, keyring.data_key(user.id))
    reset, _ = create_password_reset(user)
    use_password_reset(reset, "a brand new long passphrase")
    db.session.commit()
    assert login("ana", "a brand new long passphrase").status_code == 302
    client.post("/entries/new", data={"title": "Since the reset", "body": "Fresh words.",
                                      "tags": ""})
    keyring.forget(user.id)

    target = tmp_path / "ana.json"
    result = runner.invoke(export_command, ["--user", "ana", "--output", str(target),
                                            "--password-stdin"],
                           input="a brand new long passphrase\n")
    assert result.exit_code == 0, result.output
    assert "Wrote 4 entries" in result.output and "3 entries" in result.output
    document = json.loads(target.read_text())
    assert [entry["unreadable"] for entry in document["entries"][:3]] == ["locked"] * 3
    assert "your recovery key" in document["entries"][0]["body"]
    assert document["entries"][3]["title"] == "Since the reset"
    assert "quasarfjord" not in target.read_text().lower()

    keyring.forget(user.id)
    result = runner.invoke(export_command, ["--user", "ana", "--output", str(tmp_path / "b"),
                                            "--recovery-key", "--password-stdin"],
                           input=old_recovery + "\n")
    assert result.exit_code == 1
    assert "before a password reset" in result.output and "Settings" in result.output


def test_an_account_from_before_encryption_exports_without_a_password(app, user, tmp_path):
    db.session.delete(db.session.get(AccountKey, user.id))
    db.session.commit()
    keyring.forget(user.id)
    create_entry(user, title="From before", body="Plain words of old.", tags=[("old", "Old")],
                 created_at=at("2020-01-01T09:00:00"))
    db.session.commit()
    assert db.session.execute(select(Entry.__table__.c.sealed)).scalar_one() is None

    target = tmp_path / "ana.json"
    result = app.test_cli_runner().invoke(export_command, ["--user", "ana", "--output",
                                                           str(target)])
    assert result.exit_code == 0, result.output
    assert "Password" not in result.output
    document = json.loads(target.read_text())
    assert document["entries"][0]["body"] == "Plain words of old."
    assert document["tags"][0]["display_name"] == "Old"
