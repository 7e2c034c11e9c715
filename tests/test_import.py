"""Importing: what the preview promises, what is stored, duplicates left out, all or
nothing, and the upload pages and command around it."""

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from journal.auth.keys import make_recovery_key
from journal.auth.services import reset_password
from journal.crypto import keyring
from journal.extensions import db
from journal.imports.cli import import_command
from journal.imports.services import apply_import, plan_import
from journal.models import (
    Entry,
    EntryTag,
    ImportJob,
    PendingImport,
    Prompt,
    PromptHide,
    Reframe,
    Tag,
)
from journal.ownership import own_prompts, owned
from journal.search.service import search
from journal.transfer.document import (
    ImportedEntry,
    ImportedPrompt,
    ImportedPromptRef,
    ImportedReframe,
    ImportedTag,
    ImportProblem,
    ParsedJournal,
)
from tests.conftest import PASSWORD, csrf_token_from


def moment(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, tzinfo=UTC)


def entries_of(owner) -> list[Entry]:
    return list(db.session.scalars(owned(Entry, owner).order_by(Entry.created_at)))


def run_import(owner, journal: ParsedJournal):
    result = apply_import(owner, plan_import(owner, journal))
    db.session.commit()
    return result


def jrnl_file(*entries: dict) -> bytes:
    tags: dict[str, int] = {}
    for entry in entries:
        for tag in entry.get("tags", []):
            tags[tag] = tags.get(tag, 0) + 1
    return json.dumps({"tags": tags, "entries": list(entries)}).encode()


def jrnl_entry(day: str, time: str, title: str, body: str = "", tags=(), starred=False):
    return {"title": title, "body": body, "date": day, "time": time, "tags": list(tags),
            "starred": starred}


# --- the service ----------------------------------------------------------------------

def test_import_stores_every_field_and_indexes_for_search(app, user):
    journal = ParsedJournal(format="journal", tags=[
        ImportedTag("work/launch", "Work/Launch", moment(1))], entries=[
        ImportedEntry(created_at=moment(2), updated_at=moment(3), title="Launch day",
                      body="We shipped the quokka exporter.", tags=["work/launch"],
                      starred=True, is_win=True, win_part="I cut the scope.", position=1),
        ImportedEntry(created_at=moment(4), body="", position=2,
                      reframe=ImportedReframe(happened="The demo crashed", critic="I am a fraud",
                                              belief_before=8, belief_after=3)),
    ])
    result = run_import(user, journal)

    assert result.entries == 2 and result.tags == 1
    first, second = entries_of(user)
    assert (first.title, first.body, first.starred, first.is_win, first.win_part) == (
        "Launch day", "We shipped the quokka exporter.", True, True, "I cut the scope.")
    assert first.updated_at == moment(3) and first.version == 1
    assert [(t.name, t.display_name, t.created_at) for t in first.tags] == [
        ("work/launch", "Work/Launch", moment(1))]
    assert first.word_count == 5 + 4
    assert second.kind == "reframe" and second.reframe.critic == "I am a fraud"
    assert (second.reframe.belief_before, second.reframe.belief_after) == (8, 3)
    assert second.word_count == 7
    assert [hit.entry.id for hit in search(user, "quokka").hits] == [first.id]


def test_own_prompts_hidden_prompts_and_the_time_zone_come_along(app, user):
    builtin = db.session.scalar(select(Prompt).where(Prompt.key.is_not(None)).limit(1))
    journal = ParsedJournal(
        format="journal", timezone="Europe/Berlin", hidden_prompts=[builtin.key],
        prompts=[ImportedPrompt(ref="p9", text="What went well?", theme="evidence",
                                created_at=moment(1), archived_at=moment(5))],
        entries=[
            ImportedEntry(created_at=moment(2), body="Plenty.", position=1,
                          prompt=ImportedPromptRef(text="What went well?", own="p9")),
            ImportedEntry(created_at=moment(3), body="Answer.", position=2,
                          prompt=ImportedPromptRef(text="Old wording", key=builtin.key)),
            ImportedEntry(created_at=moment(4), body="Orphan.", position=3,
                          prompt=ImportedPromptRef(text="A prompt that is gone")),
        ])
    run_import(user, journal)

    own = db.session.scalars(own_prompts(user)).one()
    assert (own.text, own.theme, own.retired_at) == ("What went well?", "evidence", moment(5))
    answered, builtin_answer, orphan = entries_of(user)
    assert (answered.prompt_id, answered.prompt_text) == (own.id, "What went well?")
    assert (builtin_answer.prompt_id, builtin_answer.prompt_text) == (builtin.id, "Old wording")
    assert (orphan.prompt_id, orphan.prompt_text) == (None, "A prompt that is gone")
    assert db.session.scalar(select(PromptHide.prompt_id).where(
        PromptHide.user_id == user.id)) == builtin.id
    assert user.timezone == "Europe/Berlin"

    run_import(user, journal)  # again: the prompt is reused, nothing doubles
    assert db.session.scalar(select(func.count()).select_from(Prompt)
                             .where(Prompt.owner_id == user.id)) == 1
    assert len(entries_of(user)) == 3


def test_an_account_with_its_own_time_zone_keeps_it(app, user):
    user.timezone = "Asia/Tokyo"
    db.session.commit()
    run_import(user, ParsedJournal(format="journal", timezone="Europe/Berlin"))
    assert user.timezone == "Asia/Tokyo"


def test_entries_already_in_the_journal_are_left_out(app, user, make_entry):
    make_entry(user, "Wrote the plan.", title="Plan", created_at=moment(2, 9, 0) +
               timedelta(seconds=41))
    journal = ParsedJournal(format="jrnl", entries=[
        # the same minute and text as the stored entry (jrnl keeps minutes only)
        ImportedEntry(created_at=moment(2, 9, 0), title="Plan", body="Wrote the plan.\r\n",
                      position=1),
        ImportedEntry(created_at=moment(2, 9, 1), title="Plan", body="Wrote the plan.",
                      position=2),
        ImportedEntry(created_at=moment(2, 9, 1), title="Plan", body="Wrote the plan.",
                      position=3),  # repeated inside the file
    ])
    plan = plan_import(user, journal)
    assert (len(plan.new_entries), plan.duplicates) == (1, 2)
    assert plan.new_entries[0].position == 2


def test_another_users_entries_are_not_duplicates(app, user, other_user, make_entry):
    make_entry(other_user, "Same words.", created_at=moment(2))
    journal = ParsedJournal(format="jrnl", entries=[
        ImportedEntry(created_at=moment(2), body="Same words.", position=1)])
    assert plan_import(user, journal).duplicates == 0
    run_import(user, journal)
    assert [entry.body for entry in entries_of(user)] == ["Same words."]
    assert len(entries_of(other_user)) == 1


def test_tags_reuse_the_accounts_and_inline_tags_of_foreign_files_count(app, user, make_entry):
    make_entry(user, "Earlier.", tags="Work", created_at=moment(1))
    journal = ParsedJournal(format="jrnl", entries=[
        ImportedEntry(created_at=moment(2), body="Met the #design team.", tags=["work"],
                      position=1)])
    result = run_import(user, journal)
    assert result.tags == 1
    entry = entries_of(user)[-1]
    assert [tag.name for tag in entry.sorted_tags] == ["design", "work"]
    assert db.session.scalar(select(func.count()).select_from(Tag)
                             .where(Tag.owner_id == user.id)) == 2


def test_an_import_that_fails_part_way_stores_nothing(app, user, monkeypatch):
    journal = ParsedJournal(format="jrnl", entries=[
        ImportedEntry(created_at=moment(day), body=f"Day {day}", tags=[f"t{day}"],
                      position=day) for day in range(1, 20)])
    import journal.imports.services as services

    calls = []

    def failing_index(connection, ids):
        calls.append(ids)
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "BATCH_SIZE", 5)
    monkeypatch.setattr(services, "index_entries", failing_index)
    with pytest.raises(RuntimeError):
        apply_import(user, plan_import(user, journal))
    db.session.rollback()
    assert calls and entries_of(user) == []
    assert db.session.scalar(select(func.count()).select_from(Tag)) == 0


def test_a_tag_that_cannot_be_stored_names_the_entry(app, user):
    journal = ParsedJournal(format="journal", entries=[
        ImportedEntry(created_at=moment(1), body="fine", position=1),
        ImportedEntry(created_at=moment(7), body="bad", tags=["no spaces"], position=2)])
    with pytest.raises(ImportProblem) as problem:
        plan_import(user, journal)
    assert str(problem.value).startswith("Entry 2 (2024-03-07): ")


# --- the pages ------------------------------------------------------------------------

def upload(client, data: bytes, name="journal.json", fmt="detect", zone="Europe/Berlin"):
    return client.post("/account/import", data={
        "file": (io.BytesIO(data), name), "format": fmt, "timezone": zone},
        content_type="multipart/form-data")


def test_import_page_needs_a_login(client):
    response = client.get("/account/import")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_upload_preview_and_confirm(client, logged_in):
    data = jrnl_file(
        jrnl_entry("2024-03-31", "02:30", "Clocks changed", "Slept badly.", ["@sleep"], True),
        jrnl_entry("2024-04-02", "21:00", "Retro", "Good retro. @team", ["@team"]))
    response = upload(client, data)
    assert response.status_code == 303 and response.location.endswith("/account/import/preview")

    page = client.get("/account/import/preview").get_data(as_text=True)
    assert "jrnl" in page and "Entries to add" in page
    assert "Clocks changed" in page and "Retro" in page
    assert "sleep" in page and "team" in page
    assert entries_of(logged_in) == []  # nothing stored before the confirmation

    digest = db.session.scalar(select(PendingImport.digest))
    response = client.post("/account/import/confirm", data={"digest": digest})
    assert response.status_code == 302 and response.location.endswith("/entries/")
    stored = entries_of(logged_in)
    assert [entry.title for entry in stored] == ["Clocks changed", "Retro"]
    # 02:30 does not exist in Berlin on 31 March 2024: it moves forward to 03:30 CEST
    assert stored[0].created_at == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)
    assert stored[0].starred
    assert db.session.scalar(select(func.count()).select_from(PendingImport)) == 0
    assert "Imported 2 entries" in client.get("/entries/").get_data(as_text=True)

    # the same file again: the preview says so and the import adds nothing
    upload(client, data)
    page = client.get("/account/import/preview").get_data(as_text=True)
    assert "already in your journal" in page
    digest = db.session.scalar(select(PendingImport.digest))
    client.post("/account/import/confirm", data={"digest": digest})
    assert len(entries_of(logged_in)) == 2


def test_a_malformed_file_is_explained_and_nothing_is_kept(client, logged_in):
    data = jrnl_file(jrnl_entry("2024-03-01", "09:00", "Fine"),
                     jrnl_entry("2024-13-40", "09:00", "Broken"))
    response = upload(client, data, fmt="jrnl")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was imported" in page and "Entry 2" in page and "2024-13-40" in page
    assert db.session.scalar(select(func.count()).select_from(PendingImport)) == 0
    assert entries_of(logged_in) == []


@pytest.mark.parametrize(("limit", "size"), [(2048, 4096), (1536 * 1024, 2048 * 1024)])
def test_a_file_over_the_limit_is_refused_with_a_message(client, logged_in, app, limit, size):
    app.config["IMPORT_MAX_BYTES"] = limit
    response = upload(client, b"{" + b" " * size + b"}")
    assert response.status_code == 413
    assert "larger than" in response.get_data(as_text=True)


def test_a_confirmation_for_a_replaced_upload_imports_nothing(client, logged_in):
    upload(client, jrnl_file(jrnl_entry("2024-03-01", "09:00", "First file")))
    old_digest = db.session.scalar(select(PendingImport.digest))
    upload(client, jrnl_file(jrnl_entry("2024-03-02", "09:00", "Second file")))
    response = client.post("/account/import/confirm", data={"digest": old_digest},
                           follow_redirects=True)
    assert "Nothing was imported" in response.get_data(as_text=True)
    assert entries_of(logged_in) == []


def test_cancel_discards_the_upload(client, logged_in):
    upload(client, jrnl_file(jrnl_entry("2024-03-01", "09:00", "Maybe")))
    response = client.post("/account/import/cancel", follow_redirects=True)
    assert "Nothing was imported" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PendingImport)) == 0
    assert client.get("/account/import/preview").status_code == 302


def test_the_waiting_upload_is_the_owners_alone(client, logged_in, other_user, login):
    upload(client, jrnl_file(jrnl_entry("2024-03-01", "09:00", "Private title")))
    client.post("/auth/logout")
    login(other_user, "a different long passphrase")
    response = client.get("/account/import/preview")
    assert response.status_code == 302
    assert "Private title" not in client.get("/account/import").get_data(as_text=True)
    digest = db.session.scalar(select(PendingImport.digest))
    client.post("/account/import/confirm", data={"digest": digest})
    assert entries_of(other_user) == [] and entries_of(logged_in) == []


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_an_upload_without_a_csrf_token_is_refused(client, user, config_overrides):
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    client.post("/auth/login", data={"username": "ana", "password": PASSWORD,
                                     "csrf_token": token})
    response = upload(client, jrnl_file(jrnl_entry("2024-03-01", "09:00", "x")))
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(PendingImport)) == 0
    token = csrf_token_from(client.get("/account/import").get_data(as_text=True))
    response = client.post("/account/import", data={
        "csrf_token": token, "file": (io.BytesIO(jrnl_file(
            jrnl_entry("2024-03-01", "09:00", "x"))), "j.json"),
        "format": "detect", "timezone": "UTC"}, content_type="multipart/form-data")
    assert response.status_code == 303


# --- the command ----------------------------------------------------------------------

def test_the_command_previews_then_imports_with_yes(runner, user, tmp_path):
    path = tmp_path / "jrnl.json"
    path.write_bytes(jrnl_file(*[jrnl_entry(f"2024-03-{day:02d}", "08:15", f"Day {day}",
                                            "Text", ["@daily"]) for day in range(1, 11)]))
    result = runner.invoke(import_command, [str(path), "--user", "ana", "--dry-run"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "to add: 10" in result.output and "Dry run" in result.output
    assert entries_of(user) == []

    result = runner.invoke(import_command, [str(path), "--user", "ana", "--yes",
                                            "--timezone", "Asia/Tokyo"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Imported 10 entries" in result.output
    stored = entries_of(user)
    assert stored[0].created_at == datetime(2024, 2, 29, 23, 15, tzinfo=UTC)
    assert db.session.scalar(select(func.count()).select_from(EntryTag)) == 10

    result = runner.invoke(import_command, [str(path), "--user", "ana", "--yes",
                                            "--timezone", "Asia/Tokyo"], input=PASSWORD + "\n")
    assert "Imported 0 entries" in result.output and "10 already" in result.output


def test_the_command_explains_bad_input(runner, user, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"entries": [')
    result = runner.invoke(import_command, [str(path), "--user", "ana", "--yes"])
    assert result.exit_code == 1 and "Nothing was imported" in result.output
    assert "line 1" in result.output

    result = runner.invoke(import_command, [str(path), "--user", "nobody", "--yes"])
    assert "no account named 'nobody'" in result.output

    result = runner.invoke(import_command, [str(path), "--user", "ana", "--timezone", "Mars/Base"])
    assert result.exit_code == 2 and "Mars/Base" in result.output

    good = tmp_path / "good.json"
    good.write_bytes(jrnl_file(jrnl_entry("2024-03-01", "09:00", "x")))
    result = runner.invoke(import_command, [str(good), "--user", "ana"], input=PASSWORD + "\n")
    assert result.exit_code == 1 and "--yes" in result.output
    assert db.session.scalar(select(func.count()).select_from(Reframe)) == 0


def test_the_preview_names_the_format_inside_its_sentence(client, logged_in):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("2026-11-20.md", "---\ndate: 2026-11-20 21:05\n---\nShipped it.\n")
    response = upload(client, archive.getvalue(), name="vault.zip")

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“vault.zip”, read as a zip of Markdown files." in page


def test_the_command_opens_an_encrypted_journal_with_the_password(runner, user, tmp_path):
    key = keyring.data_key(user.id)
    keyring.forget(user.id)  # the command starts holding nothing, as in a terminal
    path = tmp_path / "jrnl.json"
    path.write_bytes(jrnl_file(jrnl_entry("2024-03-01", "09:00", "Opened", "Text", ["@kept"])))
    result = runner.invoke(import_command, [str(path), "--user", "ana", "--yes"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Password of ana:" in result.output and PASSWORD not in result.output
    assert "Imported 1 entry." in result.output

    keyring.grant(user.id, key)
    [entry] = entries_of(user)
    assert (entry.title, entry.body, [tag.name for tag in entry.tags]) == (
        "Opened", "Text", ["kept"])
    stored = db.session.execute(select(Entry.__table__)).one()
    assert stored.sealed is not None and stored.title is None and stored.body == ""


def test_a_wrong_password_or_recovery_key_imports_nothing(runner, user, tmp_path):
    keyring.forget(user.id)
    path = tmp_path / "jrnl.json"
    path.write_bytes(jrnl_file(jrnl_entry("2024-03-01", "09:00", "Never", "Text", ["@no"])))
    result = runner.invoke(import_command, [str(path), "--user", "ana", "--yes"],
                           input="not the password\n")
    assert result.exit_code == 1
    assert "That is not the password of ana. Nothing was imported." in result.output
    result = runner.invoke(import_command, [str(path), "--user", "ana", "--yes",
                                            "--recovery-key"], input="ABCD-EFGH\n")
    assert result.exit_code == 1 and "That is not a recovery key" in result.output
    for model in (Entry, Tag, ImportJob, PendingImport):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_the_recovery_key_opens_the_journal_after_a_reset(runner, user, tmp_path):
    recovery_key = make_recovery_key(user, keyring.data_key(user.id))
    reset_password(user, "a password set by the administrator")
    db.session.commit()
    keyring.forget(user.id)
    path = tmp_path / "jrnl.json"
    path.write_bytes(jrnl_file(jrnl_entry("2024-03-01", "09:00", "Recovered")))
    result = runner.invoke(import_command, [str(path), "--user", "ana", "--yes",
                                            "--password-stdin"],
                           input="a password set by the administrator\n")
    assert result.exit_code == 1 and "use --recovery-key" in result.output
    result = runner.invoke(import_command, [str(path), "--user", "ana", "--yes",
                                            "--recovery-key", "--password-stdin"],
                           input=recovery_key + "\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 1
