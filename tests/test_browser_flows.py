"""A new user's first flows in a real browser: the time zone taken from the browser at
registration, the local-draft notice in the app's 24-hour format, and marking a win
from the entry page."""

import re

import pytest
from sqlalchemy import select

from journal.extensions import db
from journal.models import User
from tests.browser_support import audit, register, screenshot, write

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def stored_zone(live_server, username: str) -> str | None:
    app = live_server.server.app
    with app.app_context():
        zone = db.session.scalar(select(User.timezone).where(User.username == username))
        db.session.remove()
    return zone


def test_registration_takes_the_browsers_time_zone(browser, live_server):
    base = live_server.url
    context = browser.new_context(timezone_id="Asia/Tokyo")
    page = context.new_page()
    register(page, base)

    assert stored_zone(live_server, "ana") == "Asia/Tokyo"
    page.goto(f"{base}/account/")
    assert "Times are shown in Asia/Tokyo (UTC+09:00)." in page.locator("main").inner_text()
    assert page.get_by_label("Time zone").input_value() == "Asia/Tokyo"
    audit(page, "settings")
    screenshot(page, "settings-zone")
    context.close()


def test_registration_without_javascript_uses_the_default_zone(browser, live_server):
    base = live_server.url
    context = browser.new_context(timezone_id="Asia/Tokyo", java_script_enabled=False)
    page = context.new_page()
    register(page, base)

    assert stored_zone(live_server, "ana") is None
    page.goto(f"{base}/account/")
    assert "Times are shown in UTC." in page.locator("main").inner_text()
    context.close()


DRAFT_TIME = re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$")


def test_the_draft_notice_writes_its_time_like_the_rest_of_the_app(browser, live_server):
    base = live_server.url
    context = browser.new_context(locale="en-US", timezone_id="Europe/Berlin")
    page = context.new_page()
    register(page, base)
    page.goto(f"{base}/entries/new")
    page.get_by_label("Entry").fill("A thought I did not save")
    page.wait_for_timeout(900)  # the draft is saved a moment after typing stops
    page.close()

    page = context.new_page()
    page.goto(f"{base}/entries/new")
    when = page.locator(".draft-notice time")
    when.wait_for()
    assert DRAFT_TIME.match(when.inner_text()), when.inner_text()
    assert "AM" not in when.inner_text() and "PM" not in when.inner_text()

    # A draft kept late in the evening reads as the server would write it, 24-hour.
    page.evaluate("""() => {
        const key = `journal:draft:${document.body.dataset.userId}:entry:new`;
        localStorage.setItem(key, JSON.stringify(
            {body: "Written late", savedAt: "2026-11-26T22:05:00Z"}));
    }""")
    page.reload()
    notice = page.locator(".draft-notice")
    notice.wait_for()
    assert "You have unsaved text from 26 Nov 2026, 23:05 in this browser." in \
        notice.inner_text()
    assert notice.locator("time").get_attribute("datetime") == "2026-11-26T22:05:00.000Z"
    audit(page, "write page with a draft notice")
    context.close()


WIN_VIEWPORTS = {"phone": {"width": 390, "height": 844},
                 "desktop": {"width": 1280, "height": 900}}


@pytest.mark.parametrize("viewport", WIN_VIEWPORTS)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_mark_a_win_on_the_entry_page_then_edit_and_unmark_it(browser, live_server,
                                                              viewport, scheme):
    base = live_server.url
    context = browser.new_context(viewport=WIN_VIEWPORTS[viewport], color_scheme=scheme)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    shot = f"{viewport}-{scheme}"
    register(page, base)
    write(page, base, "The room was full and the questions were good.", title="Gave the talk")
    entry_url = page.url

    part = page.get_by_role("textbox", name="Your part in it")
    assert not part.is_visible()  # folded away until asked for
    page.get_by_text("Mark as a win", exact=True).click()
    part.fill("I rehearsed it twice with Priya and cut the slides by half.")
    audit(page, "entry page, marking a win")
    screenshot(page, f"win-mark-{shot}")
    page.get_by_role("button", name="Save as a win").click()
    page.wait_for_url(entry_url)
    main = page.locator("main")
    assert "Marked as a win." in main.inner_text()
    assert page.get_by_role("heading", name="A win: your part in it").is_visible()
    assert "cut the slides by half" in main.inner_text()
    assert page.get_by_role("link", name="Win", exact=True).is_visible()
    audit(page, "entry page, a win")
    screenshot(page, f"win-marked-{shot}")

    page.get_by_text("Edit your part", exact=True).click()
    part.fill("I rehearsed it three times.")
    page.get_by_role("button", name="Save your part").click()
    page.wait_for_url(entry_url)
    assert "Your part in this win is saved." in main.inner_text()
    assert "I rehearsed it three times." in main.inner_text()

    page.goto(f"{base}/wins/")
    assert page.get_by_role("link", name="Gave the talk").is_visible()
    page.get_by_role("link", name="Gave the talk").click()
    page.get_by_role("button", name="Unmark as a win").click()
    page.wait_for_url(entry_url)
    assert "No longer marked as a win." in main.inner_text()
    assert not page.get_by_role("heading", name="A win: your part in it").is_visible()
    audit(page, "entry page, unmarked")
    assert not errors, errors
    context.close()


def test_marking_a_win_works_without_javascript(browser, live_server):
    base = live_server.url
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    register(page, base)
    write(page, base, "Closed the oldest ticket.")
    page.get_by_text("Mark as a win", exact=True).click()
    page.get_by_role("textbox", name="Your part in it").fill("I read the whole thread first.")
    page.get_by_role("button", name="Save as a win").click()
    assert page.get_by_role("heading", name="A win: your part in it").is_visible()
    assert "I read the whole thread first." in page.locator("main").inner_text()
    context.close()
