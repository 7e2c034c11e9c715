"""An import job's progress page in a real browser: the bar shows how far the job is,
and with JavaScript the page follows the job by itself until it is done."""

import json

import pytest
from sqlalchemy import select

from journal.auth.keys import unlock_with_password
from journal.extensions import db
from journal.imports.jobs import queue_file, run_job
from journal.models import User
from tests.browser_support import audit, register, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def jrnl_file(count: int) -> bytes:
    entries = [{"title": f"Day {day}", "body": f"Harbour note {day}.",
                "date": f"2024-03-{day:02d}", "time": "09:00", "tags": [], "starred": False}
               for day in range(1, count + 1)]
    return json.dumps({"tags": {}, "entries": entries}).encode()


def owner_with_key() -> User:
    """The account, its journal opened in this app context (as a job holds it)."""
    owner = db.session.scalar(select(User).where(User.username == "ana"))
    unlock_with_password(owner, PASSWORD)
    return owner


def test_the_progress_page_follows_the_job_until_it_is_done(browser, live_server):
    base, app = live_server.url, live_server.server.app
    app.config.update(IMPORT_BATCH_SIZE=2, IMPORT_BATCH_PAUSE=0)
    page = browser.new_page()
    register(page, base)
    with app.app_context():
        owner = owner_with_key()
        job_id = queue_file(owner, filename="journal.json", fmt="jrnl", timezone="UTC",
                            data=jrnl_file(7), date_undated=False, worker="w1").id
        db.session.commit()
        run_job(job_id, "w1", stop_after=1)
        db.session.remove()

    page.goto(f"{base}/account/import/jobs/{job_id}")
    bar = page.locator("progress")
    assert bar.get_attribute("value") == "2" and bar.get_attribute("max") == "7"
    assert "2 of 7 entries (28%)" in page.locator("main").inner_text()
    audit(page, "import-job")
    screenshot(page, "import-job-running")

    with app.app_context():
        owner_with_key()
        run_job(job_id, "w1")
        db.session.remove()
    page.get_by_text("Imported 7 entries.").wait_for(timeout=10_000)
    page.get_by_role("link", name="See your entries").click()
    assert "Day 7" in page.locator("main").inner_text()
