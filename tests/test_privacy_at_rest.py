"""Nothing a person writes is stored readable: every feature that stores text is used
with marker words, then the SQLite file, its log, a backup and the whole folder holding
them (on PostgreSQL, a ``pg_dump``) are scanned byte by byte, while the owner's search,
tag pages and export still find every marker."""

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from journal.extensions import db
from journal.models import Prompt
from journal.ownership import own_prompts

# Each feature writes its own marker, so a failure names the feature that leaked.
MARKERS = {
    "title": "quarkwhistle", "body": "velvetanchor", "tag": "saffronkite",
    "happened": "basaltorchid", "critic": "cobaltmitten", "salesperson": "emberlattice",
    "next_step": "juniperlocket", "win_part": "tundrabiscuit", "prompt": "harborsprocket",
    "import": "lanternquokka", "renamed": "marigoldpiston", "search": "ottercompass",
}


@pytest.fixture
def app(any_backend_app):
    return any_backend_app


def write_everything(client) -> None:
    """Use every feature that stores what a person writes, through the pages."""
    client.post("/entries/new", data={
        "title": f"A day of {MARKERS['title']}", "body": f"Wrote about {MARKERS['body']}.",
        "tags": f"{MARKERS['tag']}, work", "is_win": "y",
        "win_part": f"I did the {MARKERS['win_part']} part."})
    client.post("/entries/new", data={
        "kind": "reframe", "title": "", "body": "", "tags": "doubt",
        "happened": f"The {MARKERS['happened']} went badly.", "belief_before": "8",
        "critic": f"I am a {MARKERS['critic']}.", "evidence_for": "It happened.",
        "evidence_against": "Not last time.", "salesperson": f"{MARKERS['salesperson']}!",
        "in_control": "Preparation.", "not_in_control": "The room.",
        "next_step": f"Try {MARKERS['next_step']}.", "belief_after": "3"})
    client.post("/prompts/new", data={"text": f"What did {MARKERS['prompt']} teach you?",
                                      "theme": "evidence"})
    client.post("/entries/new", data={"body": f"Old #{MARKERS['renamed']}x words.",
                                      "tags": ""})
    client.post(f"/tags/~rename/{MARKERS['renamed']}x", data={"new_name": MARKERS["renamed"]})
    document = {"tags": {}, "entries": [{
        "title": f"Imported {MARKERS['import']}", "body": "From elsewhere.",
        "date": "2026-01-05", "time": "09:00", "tags": ["@imported"], "starred": False}]}
    client.post("/account/import", data={
        "file": (io.BytesIO(json.dumps(document).encode()), "journal.json"),
        "format": "detect", "timezone": "UTC"}, content_type="multipart/form-data")
    client.get(f"/search?q={MARKERS['search']}")


def assert_no_marker(data: bytes, where: str) -> None:
    found = [name for name, marker in MARKERS.items() if marker.encode() in data]
    assert not found, f"{where} holds the words of: {', '.join(found)}"


def test_nothing_written_is_stored_readable(app, client, logged_in, tmp_path, runner):
    write_everything(client)
    owner_id = logged_in.id
    db.session.remove()

    if db.engine.dialect.name == "sqlite":
        database = Path(db.engine.url.database)
        backup = runner.invoke(args=["backup", "--to", str(tmp_path / "backups")])
        assert backup.exit_code == 0, backup.output
        folders = {database.parent, tmp_path / "backups"}
        for folder in folders:
            for path in folder.rglob("*"):
                if path.is_file():
                    assert_no_marker(path.read_bytes(), str(path))
    else:
        pg_dump = shutil.which("pg_dump") or sorted(
            Path("/usr/lib/postgresql").glob("*/bin/pg_dump"))[-1]
        dump = subprocess.run([str(pg_dump), "--no-owner", db.engine.url.render_as_string(
            hide_password=False).replace("+psycopg", "")], capture_output=True, check=True)
        assert b"CREATE TABLE" in dump.stdout
        assert_no_marker(dump.stdout, "pg_dump")

    found_by_search = {name: client.get(f"/search?q={marker}").get_data(as_text=True)
                       for name, marker in MARKERS.items()
                       if name not in ("prompt", "import", "search")}
    for name, page in found_by_search.items():
        assert "entry-card-title" in page, f"search finds no entry for {name}"
    assert "entry-card-title" in client.get(f"/tags/{MARKERS['tag']}").get_data(as_text=True)
    assert client.get(f"/tags/{MARKERS['renamed']}").status_code == 200
    renamed = client.get(f"/search?q={MARKERS['renamed']}").get_data(as_text=True)
    assert f"#{MARKERS['renamed']}" in renamed
    prompts = [prompt.text for prompt in db.session.scalars(own_prompts(owner_id))]
    assert any(MARKERS["prompt"] in text for text in prompts)
    assert MARKERS["import"] in client.get("/account/import/preview").get_data(as_text=True)

    export = client.get("/account/export/json")
    assert export.status_code == 200
    text = export.get_data(as_text=True)
    if export.mimetype == "application/zip":
        text = " ".join(zipfile.ZipFile(io.BytesIO(export.data)).read(name).decode()
                        for name in zipfile.ZipFile(io.BytesIO(export.data)).namelist())
    missing = [name for name, marker in MARKERS.items()
               if marker not in text and name not in ("import", "search")]
    assert not missing, f"the export lacks {missing}"
    assert db.session.query(Prompt).count() > 0
