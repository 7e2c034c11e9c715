"""Your data in a real browser: download the journal, bring a jrnl file in through the
preview, see a broken file explained, and delete the account. axe-core audits every
page on the way; screenshots of each page at phone and desktop width go to artifacts."""

import json
import re

import pytest

from tests.browser_support import audit, confirm_recovery_key, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORTS = {
    "phone": {"width": 360, "height": 760},
    "desktop": {"width": 1280, "height": 900},
}
UNICODE_TITLE = "Café in Zürich — ein ruhiger Morgen ☕"


def jrnl_upload(name: str, *entries: dict) -> dict:
    """A jrnl JSON export as ``set_input_files`` takes it, with jrnl's tag counts."""
    tags: dict[str, int] = {}
    for entry in entries:
        for tag in entry["tags"]:
            tags[tag] = tags.get(tag, 0) + 1
    body = json.dumps({"tags": tags, "entries": list(entries)}, ensure_ascii=False)
    return {"name": name, "mimeType": "application/json", "buffer": body.encode()}


def jrnl_entry(day: str, time: str, title: str, body: str, tags=(), starred=False) -> dict:
    return {"title": title, "body": body, "date": day, "time": time, "tags": list(tags),
            "starred": starred}


TWO_ENTRIES = jrnl_upload(
    "journal.json",
    jrnl_entry("2024-03-02", "08:15", UNICODE_TITLE, "Quiet start. @walk @coffee",
               ["@walk", "@coffee"], starred=True),
    jrnl_entry("2024-03-05", "19:40", "Retro with the team", "Good retro. @team", ["@team"]),
)
BROKEN = jrnl_upload(
    "broken.json",
    jrnl_entry("2024-03-01", "09:00", "Fine", "This one reads."),
    jrnl_entry("2024-13-40", "09:00", "Broken", "This date does not exist."),
)


def shoot(page, name: str, scheme: str) -> None:
    """Full-page screenshots of the current page at phone and desktop width."""
    for viewport, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        screenshot(page, f"{name}-{viewport}-{scheme}")


def figure(page, label: str) -> str:
    return page.locator(".figures > div", has=page.get_by_text(label, exact=True)) \
        .locator("dd").inner_text()


def open_settings(page) -> None:
    page.locator("details.account-menu summary").click()
    page.get_by_role("link", name="Settings").click()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_export_import_and_delete_the_account(browser, live_server, scheme):
    base = live_server.url
    context = browser.new_context(viewport=VIEWPORTS["desktop"], color_scheme=scheme)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)

    # sign up through the real pages and write one entry
    page.goto(base)
    page.get_by_role("link", name="Set up the first account").click()
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    confirm_recovery_key(page, base)
    page.get_by_role("link", name="Write", exact=True).click()
    page.get_by_label("Title (optional)").fill("Launch went out")
    page.get_by_label("Entry").fill("The release shipped on time.")
    page.get_by_label("Tags").fill("work/launch")
    page.get_by_role("button", name="Save entry").click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/entries/\d+$"))

    # export: the JSON download holds the entry
    open_settings(page)
    page.get_by_role("link", name="export everything").click()
    page.wait_for_url(f"{base}/account/export")
    assert "your 1 entry" in page.locator(".lede").inner_text()
    audit(page, "export page")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download JSON").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".json")
    with open(download.path(), encoding="utf-8") as file:
        exported = json.load(file)
    assert exported["format"] == "journal-export"
    assert [(entry["title"], entry["body"], entry["tags"]) for entry in exported["entries"]] \
        == [("Launch went out", "The release shipped on time.", ["work/launch"])]
    shoot(page, "export", scheme)

    # import: upload, read the preview, confirm
    page.get_by_role("link", name="import page").click()
    page.wait_for_url(f"{base}/account/import")
    audit(page, "import page")
    shoot(page, "import", scheme)
    page.get_by_label("File", exact=True).set_input_files(TWO_ENTRIES)
    page.get_by_label("Time zone of dates without one").select_option("Europe/Berlin")
    page.get_by_role("button", name="Read the file").click()
    page.wait_for_url(f"{base}/account/import/preview")
    assert "“journal.json”, read as jrnl" in page.locator(".lede").inner_text()
    assert figure(page, "Entries to add") == "2"
    assert figure(page, "Already in your journal") == "0"
    assert page.locator(".import-among-new").inner_text() == "Of the 2 new entries, 1 is starred."
    first_entries = page.get_by_role("list").filter(has_text="Retro with the team")
    assert UNICODE_TITLE in first_entries.inner_text()
    tags = page.locator(".tag-list").inner_text()
    assert "walk" in tags and "coffee" in tags and "team" in tags
    audit(page, "import preview")
    shoot(page, "import-preview", scheme)
    page.get_by_role("button", name="Import 2 entries").click()
    page.wait_for_url(f"{base}/entries/")
    assert "Imported 2 entries." in page.locator(".flashes").inner_text()
    for title in (UNICODE_TITLE, "Retro with the team", "Launch went out"):
        assert page.get_by_role("link", name=title).is_visible()

    # the same file again: the preview says the entries are already here
    page.goto(f"{base}/account/import")
    page.get_by_label("File", exact=True).set_input_files(TWO_ENTRIES)
    page.get_by_label("Time zone of dates without one").select_option("Europe/Berlin")
    page.get_by_role("button", name="Read the file").click()
    page.wait_for_url(f"{base}/account/import/preview")
    assert figure(page, "Entries to add") == "0"
    assert figure(page, "Already in your journal") == "2"
    assert "every entry in it is already in your journal" in \
        page.get_by_role("status").filter(has_text="add no entries").inner_text()
    assert page.get_by_role("button", name=re.compile("^Import")).count() == 0
    audit(page, "import preview of duplicates")
    shoot(page, "import-preview-duplicates", scheme)
    page.get_by_role("button", name="Cancel").click()
    page.wait_for_url(f"{base}/account/import")
    assert "Nothing was imported" in page.locator(".flashes").inner_text()

    # a malformed file: explained on the form, naming the entry
    page.get_by_label("File", exact=True).set_input_files(BROKEN)
    page.get_by_label("Format").select_option("jrnl")
    page.get_by_role("button", name="Read the file").click()
    alert = page.get_by_role("alert")
    assert "Nothing was imported" in alert.inner_text()
    assert "Entry 2" in alert.inner_text() and "2024-13-40" in alert.inner_text()
    audit(page, "import page with a problem")
    shoot(page, "import-problem", scheme)

    # delete: a wrong password keeps the username typed, the right one deletes
    open_settings(page)
    page.get_by_role("link", name="delete your account").click()
    page.wait_for_url(f"{base}/account/delete")
    assert "Your 3 entries" in page.locator(".confirm-box").inner_text()
    audit(page, "delete page")
    shoot(page, "delete", scheme)
    page.get_by_label("Your password").fill("not the password at all")
    page.get_by_label("Type your username to confirm").fill("ana")
    page.get_by_role("button", name="Delete my account and everything in it").click()
    assert "That is not your password. Nothing was deleted." in \
        page.get_by_role("alert").inner_text()
    assert page.get_by_label("Type your username to confirm").input_value() == "ana"
    audit(page, "delete page with a wrong password")
    shoot(page, "delete-refused", scheme)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account and everything in it").click()
    page.wait_for_url(f"{base}/")
    assert "Your account and everything in it are deleted" in \
        page.locator(".flashes").inner_text()
    assert page.get_by_role("link", name="Sign in").is_visible()

    page.goto(f"{base}/auth/login")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert "That username and password do not match an account." in \
        page.get_by_role("alert").inner_text()
    page.goto(f"{base}/entries/")
    assert page.url.startswith(f"{base}/auth/login")
    # the refused upload, password and sign-in answer 4xx; nothing else may fail
    assert [text for text in errors if "status of 4" not in text] == [], errors
    context.close()
