"""Large imports as jobs: confirmed, written batch by batch, invisible until done, taken
over after a crash without duplicates, cancelled without a trace, and only ever the
owner's to see."""

import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, update

from journal.auth.services import reset_password
from journal.extensions import db
from journal.imports.jobs import claim_job, run_job, work_available
from journal.imports.runner import EXTENSION, runner_for
from journal.models import Entry, ImportJob, ImportSlot, PendingImport, Prompt, Tag, utcnow
from tests.conftest import OTHER_PASSWORD

NEW_PASSWORD = "a password set by the administrator"

ENTRIES = 7


@pytest.fixture
def config_overrides() -> dict:
    # two entries a batch, and anything from five entries on is a background job
    return {"IMPORT_BACKGROUND_FROM": 5, "IMPORT_BATCH_SIZE": 2, "IMPORT_BATCH_PAUSE": 0}


def jrnl_file(count: int = ENTRIES) -> bytes:
    entries = [{"title": f"Day {day}", "body": f"Wrote the quokka parser, part {day}. @harbour",
                "date": f"2024-03-{day:02d}", "time": "09:00", "tags": ["@harbour"],
                "starred": False} for day in range(1, count + 1)]
    return json.dumps({"tags": {"@harbour": count}, "entries": entries}).encode()


def confirm_upload(client, data: bytes):
    response = client.post("/account/import", data={
        "file": (io.BytesIO(data), "journal.json"), "format": "detect", "timezone": "UTC"},
        content_type="multipart/form-data")
    assert response.status_code == 303
    digest = db.session.scalar(select(PendingImport.digest))
    return client.post("/account/import/confirm", data={"digest": digest})


def stored_entries() -> int:
    """Every entry row, hidden ones included."""
    return db.session.scalar(select(func.count()).select_from(Entry))


def the_job() -> ImportJob:
    return db.session.scalar(select(ImportJob).execution_options(populate_existing=True))


def expire_lease(job_id: int) -> None:
    db.session.execute(update(ImportJob).where(ImportJob.id == job_id)
                       .values(lease_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def tag_names() -> list[str]:
    """Every tag's name, hidden ones included (names are sealed: read as rows)."""
    return sorted(tag.name for tag in db.session.scalars(select(Tag)))


def visible_anywhere(client) -> list[str]:
    """The pages where the imported entries (or, on the tags page, their tag) show."""
    pages = {"entries": "/entries/", "tags": "/tags/", "search": "/search?q=quokka",
             "insights": "/insights/"}
    return [name for name, url in pages.items()
            if ("harbour" if name == "tags" else "Day 3")
            in client.get(url).get_data(as_text=True)]


def test_a_large_import_is_a_job_whose_entries_appear_only_when_it_is_done(client, logged_in):
    response = confirm_upload(client, jrnl_file())
    job = the_job()
    assert response.status_code == 303
    assert response.location.endswith(f"/account/import/jobs/{job.id}")
    assert job.state == "queued" and stored_entries() == 0
    page = client.get(response.location).get_data(as_text=True)
    assert "Waiting to start" in page and "<progress" in page

    # a worker writes two batches, then stops (as if its server died)
    assert claim_job("w1") == job.id
    assert run_job(job.id, "w1", stop_after=2) == "running"
    job = the_job()
    assert (job.state, job.done, job.total) == ("running", 4, ENTRIES)
    assert stored_entries() == 4
    page = client.get(f"/account/import/jobs/{job.id}").get_data(as_text=True)
    assert "4 of 7 entries (57%)" in page
    assert '<progress id="job-progress" max="7" value="4">' in page
    assert client.get(f"/account/import/jobs/{job.id}/status").json == {
        "state": "running", "done": 4, "total": 7, "percent": 57, "finished": False}
    assert visible_anywhere(client) == []
    assert "is being imported (57%)" in client.get("/account/import").get_data(as_text=True)

    # while its lease holds nobody else takes it; once it runs out, another worker does
    assert claim_job("w2") is None
    expire_lease(job.id)
    assert claim_job("w2") == job.id
    assert run_job(job.id, "w1") == "running"  # the first worker wakes up: it writes nothing
    assert stored_entries() == 4
    assert run_job(job.id, "w2") == "done"

    titles = sorted(entry.title for entry in db.session.scalars(select(Entry)))
    assert titles == sorted(f"Day {day}" for day in range(1, ENTRIES + 1))  # none twice
    job = the_job()
    assert (job.state, job.done, job.total, job.stored_file) == ("done", 7, 7, b"")
    page = client.get(f"/account/import/jobs/{job.id}").get_data(as_text=True)
    assert "Imported 7 entries." in page and 'http-equiv="refresh"' not in page
    assert sorted(visible_anywhere(client)) == ["entries", "search", "tags"]
    assert db.session.scalar(select(Tag.import_job_id)) is None


def test_the_progress_page_works_without_javascript(client, logged_in):
    response = confirm_upload(client, jrnl_file())
    page = client.get(response.location).get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert f'href="/account/import/jobs/{the_job().id}">Refresh</a>' in page
    assert 'action="/account/import/jobs/' in page and "Cancel the import" in page


def test_a_cancelled_job_removes_what_it_wrote(client, logged_in, make_entry):
    make_entry(logged_in, "Mine, before the import.", tags="own")
    confirm_upload(client, jrnl_file())
    job_id = claim_job("w1")
    run_job(job_id, "w1", stop_after=1)
    assert stored_entries() == 3

    response = client.post(f"/account/import/jobs/{job_id}/cancel")
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "being removed" in page
    assert run_job(job_id, "w1") == "removing"  # the worker notices and stops
    assert work_available("w2") == 1  # another removes the rows

    job = the_job()
    assert job.state == "cancelled" and job.stored_file == b""
    assert stored_entries() == 1
    assert tag_names() == ["own"]
    assert visible_anywhere(client) == []
    assert "Nothing was imported" in client.get(response.location).get_data(as_text=True)


def test_a_tag_the_owner_uses_meanwhile_is_theirs_and_stays(client, logged_in):
    confirm_upload(client, jrnl_file())
    job_id = claim_job("w1")
    run_job(job_id, "w1", stop_after=1)

    response = client.post("/entries/new", data={"body": "Harbour walk.", "tags": "harbour"})
    assert response.status_code == 302
    assert "harbour" in client.get("/tags/").get_data(as_text=True)
    client.post(f"/account/import/jobs/{job_id}/cancel")
    work_available("w1")
    assert tag_names() == ["harbour"]
    assert stored_entries() == 1


def test_a_small_import_still_runs_in_the_request(client, logged_in):
    response = confirm_upload(client, jrnl_file(3))
    assert response.status_code == 302 and response.location.endswith("/entries/")
    assert the_job().state == "done" and stored_entries() == 3
    assert "Imported 3 entries" in client.get("/entries/").get_data(as_text=True)


def test_another_users_job_is_not_found(client, logged_in, other_user, login):
    confirm_upload(client, jrnl_file())
    job_id = the_job().id
    client.post("/auth/logout")
    login(other_user, OTHER_PASSWORD)
    assert client.get(f"/account/import/jobs/{job_id}").status_code == 404
    assert client.get(f"/account/import/jobs/{job_id}/status").status_code == 404
    assert client.post(f"/account/import/jobs/{job_id}/cancel").status_code == 404
    assert the_job().state == "queued"
    assert "is being imported" not in client.get("/account/import").get_data(as_text=True)


def test_a_second_import_waits_for_the_first(client, logged_in):
    confirm_upload(client, jrnl_file())
    first = the_job().id
    response = confirm_upload(client, jrnl_file(3))
    assert response.status_code == 302
    assert response.location.endswith(f"/account/import/jobs/{first}")
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 1
    assert db.session.scalar(select(func.count()).select_from(PendingImport)) == 1
    page = client.get(response.location).get_data(as_text=True)
    assert "Another import is still under way" in page


def our_file(count: int = ENTRIES) -> bytes:
    """This journal's own export, with an own prompt that the entries answer."""
    entries = [{"id": day, "created_at": f"2024-03-{day:02d}T09:00:00.000000Z",
                "updated_at": f"2024-03-{day:02d}T09:00:00.000000Z", "title": f"Day {day}",
                "body": "Wrote the quokka parser.", "tags": [], "starred": False,
                "kind": "note", "win": None, "reframe": None,
                "prompt": {"text": "Which number moved?", "key": None, "own": "p1"}}
               for day in range(1, count + 1)]
    return json.dumps({
        "format": "journal-export", "version": 1,
        "exported_at": "2026-11-26T23:30:00.000000Z", "settings": {"timezone": "UTC"},
        "hidden_prompts": [], "tags": [], "entries": entries,
        "prompts": [{"ref": "p1", "text": "Which number moved?", "theme": "value",
                     "why": None, "created_at": "2024-01-05T13:30:00.000000Z",
                     "updated_at": "2024-01-05T13:30:00.000000Z", "archived_at": None}],
    }).encode()


def test_the_files_own_prompts_show_only_when_the_job_is_done(client, logged_in):
    confirm_upload(client, our_file())
    job_id = claim_job("w1")
    run_job(job_id, "w1", stop_after=1)
    assert "Which number moved?" not in client.get("/prompts/").get_data(as_text=True)
    expire_lease(job_id)
    work_available("w2")
    assert the_job().state == "done"
    assert "Which number moved?" in client.get("/prompts/").get_data(as_text=True)
    prompts = db.session.scalars(select(Prompt.import_job_id).where(Prompt.key.is_(None)))
    assert prompts.all() == [None]  # made once, though the job was taken over


def test_a_cancelled_job_removes_the_prompts_it_added(client, logged_in):
    confirm_upload(client, our_file())
    job_id = claim_job("w1")
    run_job(job_id, "w1", stop_after=1)
    client.post(f"/account/import/jobs/{job_id}/cancel")
    work_available("w1")
    assert db.session.scalar(select(func.count()).select_from(Prompt)
                             .where(Prompt.key.is_(None))) == 0


def test_the_jobs_command_runs_what_is_waiting_with_the_key_it_holds(client, logged_in,
                                                                     runner):
    confirm_upload(client, jrnl_file())
    result = runner.invoke(args=["jobs", "--once"])  # in this context, holding the key
    assert result.exit_code == 0 and "Ran 1 import job." in result.output
    assert the_job().state == "done"
    assert "Day 3" in client.get("/entries/").get_data(as_text=True)


def test_a_job_waits_in_the_queue_while_other_imports_are_being_read(client, logged_in):
    confirm_upload(client, jrnl_file())
    job_id = claim_job("w1")
    for slot in (1, 2):  # IMPORT_CONCURRENCY is 2: both slots held by other workers
        db.session.add(ImportSlot(slot=slot, holder=f"other-{slot}",
                                  expires_at=utcnow() + timedelta(minutes=5)))
    db.session.commit()

    assert run_job(job_id, "w1") == "queued"
    assert stored_entries() == 0

    db.session.execute(delete(ImportSlot))
    db.session.commit()
    assert claim_job("w2") == job_id
    assert run_job(job_id, "w2") == "done"
    assert stored_entries() == ENTRIES


# --- the journal's key: only a request of its owner brings it ----------------------------

def restart(app) -> None:
    """The process dies (kill -9) and comes back: its runner, and every key it held in
    memory, are gone."""
    app.extensions.pop(EXTENSION, None)


def test_a_job_without_its_key_waits_and_continues_at_the_owners_next_visit(
        app, client, logged_in):
    confirm_upload(client, jrnl_file())
    job_id = the_job().id
    assert claim_job("w1") == job_id
    assert run_job(job_id, "w1", stop_after=2) == "running"  # then its server dies
    restart(app)
    expire_lease(job_id)

    with app.app_context():  # every other runner holds no key: none takes the job over
        assert claim_job("w2") is None
        assert work_available("w2") == 0
    job = the_job()
    assert (job.state, job.done, job.total, job.waiting) == ("running", 4, ENTRIES, True)
    assert stored_entries() == 4 and visible_anywhere(client) == []

    page = client.get(f"/account/import/jobs/{job_id}").get_data(as_text=True)
    assert "4 of 7 entries (57%)" in page and "is paused" not in page
    runner = runner_for(app)
    assert runner.holds_key_for(job_id)  # the owner's visit handed it over
    assert runner.work_once() == 1
    job = the_job()
    assert (job.state, job.done, job.waiting) == ("done", ENTRIES, False)
    titles = sorted(entry.title for entry in db.session.scalars(select(Entry)))
    assert titles == sorted(f"Day {day}" for day in range(1, ENTRIES + 1))  # none twice
    assert not runner.holds_key_for(job_id)  # let go once done
    assert "Day 3" in client.get("/entries/").get_data(as_text=True)


def test_the_import_page_and_the_status_hand_a_waiting_job_its_key(app, client, logged_in):
    confirm_upload(client, jrnl_file())
    job_id = the_job().id
    restart(app)
    assert "is being imported" in client.get("/account/import").get_data(as_text=True)
    assert runner_for(app).holds_key_for(job_id)
    restart(app)
    assert client.get(f"/account/import/jobs/{job_id}/status").json["state"] == "queued"
    assert runner_for(app).holds_key_for(job_id)
    assert runner_for(app).work_once() == 1 and the_job().state == "done"


def test_another_users_visit_hands_nothing_over(app, client, logged_in, other_user, login):
    confirm_upload(client, jrnl_file())
    job_id = the_job().id
    restart(app)
    client.post("/auth/logout")
    login(other_user, OTHER_PASSWORD)
    client.get("/account/import")
    assert client.get(f"/account/import/jobs/{job_id}/status").status_code == 404
    assert not runner_for(app).holds_key_for(job_id)
    assert runner_for(app).work_once() == 0 and the_job().state == "queued"


def test_a_job_from_before_a_password_reset_waits_for_the_recovery_key(
        app, client, logged_in, login):
    confirm_upload(client, jrnl_file())
    job_id = the_job().id
    restart(app)
    reset_password(logged_in, NEW_PASSWORD)  # an administrator's reset: the journal locks
    db.session.commit()
    login(logged_in, NEW_PASSWORD)

    page = client.get(f"/account/import/jobs/{job_id}").get_data(as_text=True)
    assert "The import is paused where it was" in page and "/account/unlock" in page
    assert the_job().state == "queued" and stored_entries() == 0
    response = client.post("/account/import", data={  # new writing works as usual
        "file": (io.BytesIO(jrnl_file(3)), "journal.json"), "format": "detect",
        "timezone": "UTC"}, content_type="multipart/form-data")
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(PendingImport)) == 1


def test_the_jobs_command_holds_no_key_and_removes_a_cancelled_import(app, client, logged_in,
                                                                    runner):
    confirm_upload(client, jrnl_file())
    job_id = claim_job("w1")
    run_job(job_id, "w1", stop_after=1)
    expire_lease(job_id)
    with app.app_context():  # as in a process of its own
        result = runner.invoke(args=["jobs", "--once"])
    assert result.exit_code == 0 and "Ran" not in result.output
    assert the_job().state == "running" and stored_entries() == 2

    client.post(f"/account/import/jobs/{job_id}/cancel")
    with app.app_context():
        result = runner.invoke(args=["jobs", "--once"])
    assert result.exit_code == 0 and "Ran 1 import job." in result.output
    assert the_job().state == "cancelled" and stored_entries() == 0
