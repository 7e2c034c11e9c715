"""Imports store nothing a person wrote in plaintext: after previewing and importing
files whose titles, bodies, tags, reframes, wins, own prompts and file names carry
marker words, no stored byte of entries, reframes, tags, prompts, waiting uploads or
import jobs holds one (nor, on SQLite, the database file and its log), while the owner
reads all of it."""

import io
import json
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import select

from journal.extensions import db
from journal.imports import jobs
from journal.imports.cli import import_command
from journal.imports.runner import runner_for
from journal.models import Entry, ImportJob, PendingImport
from journal.ownership import owned
from journal.transfer.document import ImportProblem
from tests.conftest import ON_POSTGRES, PASSWORD

MARK = "zyxquill"  # every marker word starts with it
TABLES = ("entries", "reframes", "tags", "prompts", "pending_imports", "import_jobs")
REFRAME_FIELDS = ("happened", "critic", "evidence_for", "evidence_against", "salesperson",
                  "in_control", "not_in_control", "next_step")
# What the owner reads back, each carrying its own marker word.
WRITTEN = {
    "title": f"Launch {MARK}title", "body": f"Shipped the {MARK}body exporter. #{MARK}inline",
    "tag": f"{MARK}tag/launch", "shown tag": f"{MARK.upper()}Tag/Launch",
    "win": f"I cut the {MARK}win scope.", "prompt": f"Which {MARK}prompt moved?",
    "why": f"Numbers {MARK}why beat doubt.",
    **{name: f"{name} {MARK}{name.replace('_', '')}" for name in REFRAME_FIELDS},
}
FILENAME = f"{MARK}file.json"


@pytest.fixture
def config_overrides() -> dict:
    # from six entries on an import is a job, two entries a batch
    return {"IMPORT_BACKGROUND_FROM": 6, "IMPORT_BATCH_SIZE": 2, "IMPORT_BATCH_PAUSE": 0}


def stamp(day: int) -> str:
    return f"2024-03-{day:02d}T09:00:00.000000Z"


def marked_file(notes: int = 0) -> bytes:
    """This journal's export: a win answering an own prompt, a reframe, and ``notes``
    more plain notes (from day 3 on), marker words in everything a person wrote."""
    win = {"id": 1, "created_at": stamp(1), "updated_at": stamp(1), "title": WRITTEN["title"],
           "body": WRITTEN["body"], "tags": [WRITTEN["tag"]], "starred": True,
           "kind": "note", "reframe": None, "win": {"marked": True, "part": WRITTEN["win"]},
           "prompt": {"text": WRITTEN["prompt"], "key": None, "own": "p1"}}
    reframe = {"id": 2, "created_at": stamp(2), "updated_at": stamp(2), "title": None,
               "body": "", "tags": [], "starred": False, "kind": "reframe", "win": None,
               "prompt": None, "reframe": {**{name: WRITTEN[name] for name in REFRAME_FIELDS},
                                           "belief_before": 8, "belief_after": 3}}
    more = [{"id": 2 + day, "created_at": stamp(2 + day), "updated_at": stamp(2 + day),
             "title": f"Note {day}", "body": f"Day {day} of the {MARK}body run.",
             "tags": [WRITTEN["tag"]], "starred": False, "kind": "note", "win": None,
             "reframe": None, "prompt": None} for day in range(1, notes + 1)]
    return json.dumps({
        "format": "journal-export", "version": 1, "exported_at": stamp(28),
        "settings": {"timezone": None}, "hidden_prompts": [],
        "tags": [{"name": WRITTEN["tag"], "display_name": WRITTEN["shown tag"],
                  "created_at": stamp(1)}],
        "prompts": [{"ref": "p1", "text": WRITTEN["prompt"], "theme": "value",
                     "why": WRITTEN["why"], "created_at": stamp(1), "updated_at": stamp(1),
                     "archived_at": None}],
        "entries": [win, reframe, *more],
    }).encode()


def upload(client, data: bytes, name: str = FILENAME):
    response = client.post("/account/import", data={
        "file": (io.BytesIO(data), name), "format": "detect", "timezone": "UTC"},
        content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    return response


def confirm(client):
    digest = db.session.scalar(select(PendingImport.digest))
    return client.post("/account/import/confirm", data={"digest": digest})


def _as_bytes(value) -> bytes:
    if value is None:
        return b""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode()


def stored_bytes() -> bytes:
    """Every column of every row of the tables that hold what people write, as stored
    (Core selects, no model in between), lower-cased."""
    values = [_as_bytes(value) for name in TABLES
              for row in db.session.execute(select(db.metadata.tables[name]))
              for value in row]
    return b"\x00".join(values).lower()


def assert_nothing_readable() -> None:
    assert MARK.encode() not in stored_bytes()


def pages_of_the_owner(client) -> str:
    """What the owner reads: every entry's page, the tags and the prompts."""
    ids = db.session.scalars(select(Entry.id).order_by(Entry.id)).all()
    pages = [client.get(f"/entries/{entry_id}").get_data(as_text=True) for entry_id in ids]
    pages += [client.get(url).get_data(as_text=True) for url in ("/tags/", "/prompts/")]
    return unescape("\n".join(pages))


def assert_the_owner_reads_everything(client) -> None:
    shown = pages_of_the_owner(client)
    missing = [what for what, text in WRITTEN.items() if text not in shown]
    assert missing == []
    assert f"#{MARK}inline" in shown


def test_a_previewed_and_confirmed_upload_stores_nothing_readable(client, logged_in):
    upload(client, marked_file())
    assert db.session.scalar(select(PendingImport.id)) is not None
    assert_nothing_readable()  # the waiting upload: file and name sealed
    preview = unescape(client.get("/account/import/preview").get_data(as_text=True))
    assert FILENAME in preview and WRITTEN["title"] in preview
    assert WRITTEN["shown tag"] in preview

    response = confirm(client)
    assert response.status_code == 302 and response.location.endswith("/entries/")
    assert len(db.session.scalars(owned(Entry, logged_in)).all()) == 2
    assert_nothing_readable()
    assert_the_owner_reads_everything(client)
    found = client.get(f"/search?q={MARK}body").get_data(as_text=True)
    assert WRITTEN["title"] in unescape(found)

    upload(client, marked_file())  # the same file again: recognised, though sealed
    page = client.get("/account/import/preview").get_data(as_text=True)
    assert "already in your journal" in page
    assert_nothing_readable()


def test_a_large_import_job_keeps_its_file_and_name_sealed(client, logged_in, app):
    upload(client, marked_file(notes=6))
    response = confirm(client)
    assert response.status_code == 303 and "/jobs/" in response.location
    job = db.session.scalar(select(ImportJob))
    assert job.state == "queued" and len(job.stored_file) > 0
    assert_nothing_readable()  # the job's own copy of the file, and its name

    page = unescape(client.get(response.location).get_data(as_text=True))
    assert FILENAME in page
    assert runner_for(app).work_once() == 1  # the runner the confirmation handed the key
    job = db.session.scalar(select(ImportJob).execution_options(populate_existing=True))
    assert (job.state, job.done) == ("done", 8)
    assert_nothing_readable()
    assert_the_owner_reads_everything(client)
    assert f"Import of “{FILENAME}”" in unescape(client.get(response.location)
                                                .get_data(as_text=True))


def test_a_refused_files_message_is_sealed_with_its_job(client, logged_in, app, monkeypatch):
    def refuse(*args, **kwargs):
        raise ImportProblem(f"“{MARK}quoted” is not a tag the journal can keep.", entry=3,
                            where=f"{MARK}where")

    upload(client, marked_file(notes=6))
    response = confirm(client)
    monkeypatch.setattr(jobs.readers, "read_journal", refuse)
    runner_for(app).work_once()
    job = db.session.scalar(select(ImportJob).execution_options(populate_existing=True))
    assert job.state == "failed"
    assert_nothing_readable()
    page = unescape(client.get(response.location).get_data(as_text=True))
    assert (f"Nothing was imported: Entry 3 ({MARK}where): “{MARK}quoted” is not a tag the "
            "journal can keep.") in page


def test_the_command_line_import_stores_nothing_readable(client, logged_in, runner,
                                                         tmp_path):
    path = tmp_path / FILENAME
    path.write_bytes(marked_file(notes=3))
    result = runner.invoke(import_command, [str(path), "--user", "ana", "--yes",
                                            "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Imported 5 entries." in result.output
    assert_nothing_readable()
    assert_the_owner_reads_everything(client)


@pytest.mark.sqlite_only
def test_the_database_file_and_its_log_hold_no_marker(client, logged_in, app):
    upload(client, marked_file(notes=6))
    confirm(client)
    runner_for(app).work_once()
    upload(client, marked_file())  # one waiting again
    db.session.commit()
    assert not ON_POSTGRES
    database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    for path in (database, database.with_name(database.name + "-wal")):
        if path.exists():
            assert MARK.encode() not in path.read_bytes().lower(), path.name
