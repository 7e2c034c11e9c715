"""Exporting: each format's content against a journal made here, the download page and
headers, the command, and that another person's writing never appears in any file."""

import io
import json
import re
import zipfile
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import select

from journal.entries.services import create_entry
from journal.exports.batches import EntryReader
from journal.exports.cli import export_command
from journal.exports.markdown_zip import slug
from journal.exports.zipstream import StreamingZip
from journal.extensions import db
from journal.models import Prompt
from journal.prompts.services import create_own_prompt, hide_prompt, set_archived
from journal.tags.names import parse_tag_field

BERLIN = ZoneInfo("Europe/Berlin")
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
OTHERS_WORDS = ("zanzibar", "secretproject", "xylophone", "quokkaplan")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def tags(text: str) -> list[tuple[str, str]]:
    pairs, problems = parse_tag_field(text)
    assert not problems
    return pairs


@pytest.fixture
def journal(app, user, other_user):
    """Ana's journal in Berlin time, and Bo's, whose words must never leak."""
    user.timezone = "Europe/Berlin"
    builtins = list(db.session.scalars(
        select(Prompt).where(Prompt.owner_id.is_(None)).order_by(Prompt.id).limit(3)))
    answered, hidden, bos_hidden = builtins
    own = create_own_prompt(user, text="What did the customer say?", theme=answered.theme)
    archived = create_own_prompt(user, text="Which test saved you?", theme=answered.theme)
    set_archived(archived, True)
    hide_prompt(user, hidden)

    new_year = create_entry(user, title="New Year’s Eve deploy 🎉", tags=tags("Work/Launch, Win"),
                            body="Shipped 🚀 at midnight.\nNobody was paged.",
                            created_at=at("2023-12-31T23:30:00"))
    reframe = create_entry(user, title=None, body="I will ask for a second review.",
                           tags=tags("doubt"), created_at=at("2024-03-04T10:00:00"),
                           reframe={"happened": "The demo crashed", "critic": "I am a fraud",
                                    "evidence_against": "It was the projector cable",
                                    "next_step": "Test the room first",
                                    "belief_before": 8, "belief_after": 3})
    win = create_entry(user, title="Launch", body="We shipped the importer.",
                       tags=tags("work"), created_at=at("2024-05-01T08:00:00"), starred=True,
                       is_win=True, win_part="I cut the scope to what mattered.")
    builtin_answer = create_entry(user, title=None, body="The value was a saved afternoon.",
                                  tags=[], created_at=at("2024-05-02T08:00:00"), prompt=answered)
    own_answer = create_entry(user, title="Customer call", body="They loved the export.",
                              tags=[], created_at=at("2024-05-03T08:00:00"), prompt=own)
    untitled = create_entry(user, title=None, body="\nFirst line stands in\nsecond line",
                            tags=[], created_at=at("2024-05-04T08:00:00"))

    create_entry(other_user, title="Bo's quokkaplan", body="The zanzibar launch plan.",
                 tags=tags("SecretProject"), created_at=at("2024-05-01T08:00:00"))
    bos_prompt = create_own_prompt(other_user, text="A xylophone question?",
                                   theme=answered.theme)
    create_entry(other_user, title=None, body="Answer.", tags=[], prompt=bos_prompt,
                 created_at=at("2024-05-05T08:00:00"))
    hide_prompt(other_user, bos_hidden)
    db.session.commit()
    return {"new_year": new_year.id, "reframe": reframe.id, "win": win.id,
            "builtin_answer": builtin_answer.id, "own_answer": own_answer.id,
            "untitled": untitled.id, "own": own.id, "archived": archived.id,
            "answered": answered, "hidden": hidden.key, "bos_hidden": bos_hidden.key}


@pytest.fixture
def signed_in(journal, login):
    assert login("ana").status_code == 302
    return journal


def download(client, fmt: str):
    response = client.get(f"/account/export/{fmt}")
    assert response.status_code == 200
    return response


def zip_members(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def front_matter(text: str) -> tuple[dict, str]:
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


# --- the page and the downloads --------------------------------------------------------

def test_the_page_explains_each_format_with_its_download(client, signed_in):
    page = client.get("/account/export").get_data(as_text=True)
    for fmt in ("json", "markdown", "jrnl"):
        assert f'href="/account/export/{fmt}"' in page
    assert "nothing of anyone else" in page
    assert "6 entries" in page


def test_export_needs_a_login(client, journal):
    for url in ("/account/export", "/account/export/json", "/account/export/markdown"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login")


def test_an_unknown_format_is_not_found(client, signed_in):
    assert client.get("/account/export/csv").status_code == 404
    assert client.get("/account/export/").status_code == 404


@pytest.mark.parametrize(("fmt", "content_type", "suffix"), [
    ("json", "application/json", ".json"),
    ("markdown", "application/zip", "-markdown.zip"),
    ("jrnl", "application/json", "-jrnl.json"),
])
def test_downloads_are_streamed_attachments(client, signed_in, fmt, content_type, suffix):
    days = {datetime.now(BERLIN).date()}
    response = download(client, fmt)
    days.add(datetime.now(BERLIN).date())
    assert response.is_streamed
    assert response.mimetype == content_type
    assert response.headers["Content-Disposition"] in {
        f'attachment; filename="journal-ana-{day.isoformat()}{suffix}"' for day in days}


@pytest.mark.parametrize("fmt", ["json", "markdown", "jrnl"])
def test_nothing_of_another_person_is_in_any_format(client, signed_in, fmt):
    data = download(client, fmt).get_data()
    text = "\n".join(zip_members(data).values()) if fmt == "markdown" else data.decode()
    assert "Shipped 🚀 at midnight." in text
    for word in OTHERS_WORDS:
        assert word not in text.lower()
    if fmt == "json":
        assert signed_in["bos_hidden"] not in json.loads(text)["hidden_prompts"]


# --- our JSON --------------------------------------------------------------------------

def test_the_json_document_holds_everything(client, signed_in):
    document = json.loads(download(client, "json").get_data())
    assert document["format"] == "journal-export" and document["version"] == 1
    assert STAMP.match(document["exported_at"])
    assert document["settings"] == {"timezone": "Europe/Berlin"}
    assert document["hidden_prompts"] == [signed_in["hidden"]]

    own, archived = document["prompts"]
    assert own["ref"] == f"p{signed_in['own']}" and own["text"] == "What did the customer say?"
    assert own["archived_at"] is None and STAMP.match(archived["archived_at"])
    assert document["tags"] == [
        {"name": name, "display_name": shown, "created_at": document["tags"][i]["created_at"]}
        for i, (name, shown) in enumerate([("doubt", "doubt"), ("win", "Win"), ("work", "work"),
                                           ("work/launch", "Work/Launch")])]

    entries = {entry["id"]: entry for entry in document["entries"]}
    assert [entry["id"] for entry in document["entries"]] == [
        signed_in[key] for key in ("new_year", "reframe", "win", "builtin_answer",
                                   "own_answer", "untitled")]
    new_year = entries[signed_in["new_year"]]
    assert new_year == {
        "id": signed_in["new_year"], "created_at": "2023-12-31T23:30:00.000000Z",
        "updated_at": "2023-12-31T23:30:00.000000Z", "title": "New Year’s Eve deploy 🎉",
        "body": "Shipped 🚀 at midnight.\nNobody was paged.", "tags": ["win", "work/launch"],
        "starred": False, "kind": "note", "win": None, "prompt": None, "reframe": None}
    reframe = entries[signed_in["reframe"]]
    assert reframe["kind"] == "reframe"
    assert reframe["reframe"] == {
        "happened": "The demo crashed", "critic": "I am a fraud", "evidence_for": "",
        "evidence_against": "It was the projector cable", "salesperson": "",
        "in_control": "", "not_in_control": "", "next_step": "Test the room first",
        "belief_before": 8, "belief_after": 3}
    win = entries[signed_in["win"]]
    assert win["win"] == {"part": "I cut the scope to what mattered."} and win["starred"]
    assert entries[signed_in["builtin_answer"]]["prompt"] == {
        "text": signed_in["answered"].text, "key": signed_in["answered"].key, "own": None}
    assert entries[signed_in["own_answer"]]["prompt"] == {
        "text": "What did the customer say?", "key": None, "own": own["ref"]}
    assert entries[signed_in["untitled"]]["title"] is None


def test_the_json_document_is_valid_for_an_empty_journal(client, logged_in):
    document = json.loads(download(client, "json").get_data())
    assert document["entries"] == [] and document["tags"] == [] and document["prompts"] == []
    assert document["settings"] == {"timezone": None}


# --- the Markdown zip ------------------------------------------------------------------

def test_the_markdown_zip_has_a_file_per_entry_in_local_year_folders(client, signed_in):
    members = zip_members(download(client, "markdown").get_data())
    assert sorted(members) == [
        "2024/2024-01-01-0030-new-years-eve-deploy.md",
        "2024/2024-03-04-1100-i-will-ask-for-a-second-review.md",
        "2024/2024-05-01-1000-launch.md",
        "2024/2024-05-02-1000-the-value-was-a-saved-afternoon.md",
        "2024/2024-05-03-1000-customer-call.md",
        "2024/2024-05-04-1000-first-line-stands-in.md",
        "README.md",
    ]
    for name in members:
        assert re.fullmatch(r"[a-z0-9][a-z0-9/.-]*", name, re.IGNORECASE)
        assert ".." not in name.split("/") and not name.startswith("/")
    assert "Journal export for ana" in members["README.md"]

    meta, body = front_matter(members["2024/2024-01-01-0030-new-years-eve-deploy.md"])
    assert meta.pop("date") == datetime(2024, 1, 1, 0, 30, tzinfo=BERLIN)
    assert meta.pop("updated").isoformat() == "2024-01-01T00:30:00+01:00"
    assert meta == {"title": "New Year’s Eve deploy 🎉", "tags": ["Win", "Work/Launch"],
                    "starred": False, "kind": "note"}
    assert body == "\nShipped 🚀 at midnight.\nNobody was paged.\n"

    meta, body = front_matter(members["2024/2024-03-04-1100-i-will-ask-for-a-second-review.md"])
    assert meta["kind"] == "reframe" and "title" not in meta
    assert (meta["belief_before"], meta["belief_after"]) == (8, 3)
    assert body == ("\n## What happened\n\nThe demo crashed\n\n"
                    "## What the engineer in me says\n\nI am a fraud\n\n"
                    "## Facts that contradict it\n\nIt was the projector cable\n\n"
                    "## The next step for tomorrow\n\nTest the room first\n\n"
                    "## Anything else\n\nI will ask for a second review.\n")

    meta, _ = front_matter(members["2024/2024-05-01-1000-launch.md"])
    assert (meta["win"], meta["win_part"], meta["starred"]) == (
        True, "I cut the scope to what mattered.", True)
    meta, _ = front_matter(members["2024/2024-05-03-1000-customer-call.md"])
    assert meta["prompt"] == "What did the customer say?" and "win" not in meta


def test_names_in_the_same_minute_get_numbers(client, logged_in, make_entry):
    moment = at("2024-06-01T12:00:00")
    for _ in range(3):
        make_entry(logged_in, "Same words", title="Standup", created_at=moment)
    members = zip_members(download(client, "markdown").get_data())
    assert sorted(members) == ["2024/2024-06-01-1200-standup-2.md",
                               "2024/2024-06-01-1200-standup-3.md",
                               "2024/2024-06-01-1200-standup.md", "README.md"]


def test_front_matter_strings_survive_yaml(client, logged_in, make_entry):
    title = 'Quotes " and \\ and a line\u2028break, nel\x85 and del\x7f: 😀'
    make_entry(logged_in, "Body", title=title)
    members = zip_members(download(client, "markdown").get_data())
    name = next(name for name in members if name != "README.md")
    assert front_matter(members[name])[0]["title"] == title


def test_slugs_are_short_ascii_and_never_empty():
    assert slug("Ünïcode façade — naïve café") == "unicode-facade-naive-cafe"
    assert slug("🎉🎉") == "entry"
    long = slug("word " * 40)
    assert len(long) <= 50 and long.endswith("word") and long.startswith("word-word")


# --- jrnl JSON -------------------------------------------------------------------------

def test_the_jrnl_export_has_jrnls_shape(client, signed_in):
    document = json.loads(download(client, "jrnl").get_data())
    assert document["tags"] == {"@doubt": 1, "@win": 1, "@work": 1, "@work/launch": 1}
    entries = document["entries"]
    assert len(entries) == 6
    assert all(set(entry) == {"title", "body", "date", "time", "tags", "starred"}
               for entry in entries)
    assert entries[0] == {"title": "New Year’s Eve deploy 🎉",
                          "body": "Shipped 🚀 at midnight.\nNobody was paged.",
                          "date": "2024-01-01", "time": "00:30",
                          "tags": ["@win", "@work/launch"], "starred": False}
    assert entries[1]["title"] == ""
    assert entries[1]["body"].startswith("## What happened\n\nThe demo crashed\n")
    assert entries[1]["body"].endswith("## Anything else\n\nI will ask for a second review.\n")
    assert entries[2]["starred"] is True
    assert entries[5] == {"title": "", "body": "\nFirst line stands in\nsecond line",
                          "date": "2024-05-04", "time": "10:00", "tags": [],
                          "starred": False}


# --- reading in batches ----------------------------------------------------------------

def test_batches_read_every_entry_once_across_equal_timestamps(app, user, make_entry):
    moment = at("2024-01-01T09:00:00")
    made = [make_entry(user, f"Entry {n}", created_at=moment + timedelta(
        seconds=n // 3)).id for n in range(7)]
    reader = EntryReader(user.id, batch_size=2)
    assert [record.id for record in reader] == made
    assert reader.count == 7


def test_the_zip_writer_adds_zip64_records_past_the_member_limit(monkeypatch):
    monkeypatch.setattr("journal.exports.zipstream._LIMIT_16", 3)
    output = io.BytesIO()
    with StreamingZip() as archive:
        for n in range(5):
            archive.add(f"2024/file-{n}.md", f"text {n}".encode(), datetime(2024, 1, 2, 3, 4))
        output.write(archive.take())
        for chunk in archive.finish():
            output.write(chunk)
    with zipfile.ZipFile(output) as archive:
        assert archive.namelist() == [f"2024/file-{n}.md" for n in range(5)]
        assert archive.read("2024/file-4.md") == b"text 4"


def test_the_zip_writer_refuses_unsafe_names():
    with StreamingZip() as archive:
        for name in ("/etc/passwd", "../up.md", "a\\b.md", ""):
            with pytest.raises(ValueError):
                archive.add(name, b"", datetime(2024, 1, 1))


# --- round trip through the import readers ---------------------------------------------

@pytest.mark.parametrize(("fmt", "read_as"), [("json", "journal"), ("markdown", "markdown"),
                                              ("jrnl", "jrnl")])
def test_each_export_reads_back_with_the_import(client, signed_in, fmt, read_as):
    from journal.imports.readers import read_journal

    data = download(client, fmt).get_data()
    parsed = read_journal(data, filename=f"export.{fmt}", format=read_as, zone=BERLIN)
    assert len(parsed.entries) == 6
    first = parsed.entries[0]
    assert first.created_at == at("2023-12-31T23:30:00")
    assert first.title == "New Year’s Eve deploy 🎉"
    assert first.body.strip() == "Shipped 🚀 at midnight.\nNobody was paged."
    if fmt != "jrnl":
        reframe = parsed.entries[1].reframe
        assert reframe.critic == "I am a fraud" and reframe.belief_after == 3
        assert parsed.entries[2].is_win and parsed.entries[2].win_part


# --- the command -----------------------------------------------------------------------

def test_the_command_writes_a_file_and_refuses_to_overwrite_it(app, journal, tmp_path):
    runner = app.test_cli_runner()
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "ana.json"
    result = runner.invoke(export_command, ["--user", "ana", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Wrote 6 entries of 'ana' to {target}" in result.output
    assert len(json.loads(target.read_bytes())["entries"]) == 6

    target.write_text("keep me")
    result = runner.invoke(export_command, ["--user", "ana", "--output", str(target)])
    assert result.exit_code == 1 and "--force" in result.output
    assert target.read_text() == "keep me"

    result = runner.invoke(export_command, ["--user", "ana", "--output", str(target),
                                            "--format", "markdown", "--force"])
    assert result.exit_code == 0, result.output
    assert len(zip_members(target.read_bytes())) == 7
    assert [path.name for path in folder.iterdir()] == ["ana.json"]


def test_the_command_names_the_file_like_the_download(app, journal, tmp_path, monkeypatch):
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.chdir(folder)
    result = app.test_cli_runner().invoke(export_command, ["--user", "ana", "--format", "jrnl"])
    assert result.exit_code == 0, result.output
    (written,) = folder.iterdir()
    assert re.fullmatch(r"journal-ana-\d{4}-\d\d-\d\d-jrnl\.json", written.name)
    assert len(json.loads(written.read_bytes())["entries"]) == 6


def test_the_command_writes_to_standard_output(app, journal):
    result = app.test_cli_runner().invoke(export_command, ["--user", "ana", "--output", "-"])
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout_bytes)["entries"]) == 6
    assert "Exported 6 entries" in result.stderr


def test_the_command_names_an_unknown_account(app, journal, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    result = app.test_cli_runner().invoke(
        export_command, ["--user", "nobody", "--output", str(folder / "x.json")])
    assert result.exit_code == 1
    assert "There is no account named 'nobody'." in result.output
    assert not list(folder.iterdir())
