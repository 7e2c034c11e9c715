"""The journal in a real browser: register, write with tags, find it under its tag,
keep a local draft, sign out. axe-core audits every page on the way."""

import re

import pytest

from tests.browser_support import audit, register, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DRAFT_KEYS = "Object.keys(localStorage).filter(k => k.startsWith('journal:draft:'))"
VIEWPORTS = {
    "phone": {"width": 360, "height": 760},
    "desktop": {"width": 1280, "height": 900},
}


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_register_write_find_by_tag_and_sign_out(browser, live_server, viewport, scheme):
    base = live_server.url
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    shot = f"{viewport}-{scheme}"

    page.goto(base)
    audit(page, "welcome")
    page.get_by_role("link", name="Set up the first account").click()
    audit(page, "register")
    screenshot(page, f"register-{shot}")
    register(page, base, shot=shot)
    audit(page, "start page")
    screenshot(page, f"start-{shot}")

    page.get_by_role("link", name="Write", exact=True).click()
    page.get_by_label("Title (optional)").fill("Launch went out")
    page.get_by_label("Entry").fill("The release shipped on time. #launch\n\n- no rollbacks\n- "
                                    "support was quiet")
    page.get_by_label("Tags").fill("work/launch, team")
    audit(page, "write page")
    screenshot(page, f"write-{shot}")
    page.get_by_label("Entry").press("Control+Enter")
    page.wait_for_url(re.compile(rf"{re.escape(base)}/entries/\d+$"))
    assert page.get_by_role("heading", name="Launch went out").is_visible()
    audit(page, "entry page")
    screenshot(page, f"entry-{shot}")

    page.get_by_role("link", name="#work/launch").first.click()
    page.wait_for_url(f"{base}/tags/work/launch")
    assert page.get_by_role("link", name="Launch went out").is_visible()
    audit(page, "tag page")

    page.get_by_role("link", name="Tags", exact=True).click()
    assert page.get_by_role("link", name="#work").is_visible()
    audit(page, "tags")
    screenshot(page, f"tags-{shot}")
    page.get_by_role("link", name="#work", exact=True).click()
    assert page.get_by_role("link", name="Launch went out").is_visible()

    page.get_by_role("link", name="Entries", exact=True).click()
    audit(page, "entries")
    screenshot(page, f"entries-{shot}")

    page.locator("details.account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base}/auth/login")
    assert page.get_by_role("heading", name="Sign in").is_visible()
    audit(page, "sign in")
    page.goto(f"{base}/entries/")
    assert page.url.startswith(f"{base}/auth/login")
    assert not errors, errors
    context.close()


def test_a_local_draft_survives_a_closed_tab_and_is_cleared_after_saving(browser,
                                                                        live_server):
    base = live_server.url
    context = browser.new_context()
    page = context.new_page()
    register(page, base)
    page.goto(f"{base}/entries/new")
    page.get_by_label("Entry").fill("Half a thought about the review")
    page.wait_for_timeout(900)  # the draft is saved a moment after typing stops
    page.close()

    page = context.new_page()
    page.goto(f"{base}/entries/new")
    notice = page.locator(".draft-notice")
    notice.wait_for()
    assert "unsaved text" in notice.inner_text()
    notice.get_by_role("button", name="Restore it").click()
    assert page.get_by_label("Entry").input_value() == "Half a thought about the review"
    page.get_by_role("button", name="Save entry").click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/entries/\d+$"))
    assert page.evaluate(DRAFT_KEYS) == []

    page.goto(f"{base}/entries/new")
    page.get_by_label("Entry").fill("Something unsaved at logout")
    page.wait_for_timeout(900)
    assert page.evaluate("Object.keys(localStorage).length") == 1
    page.once("dialog", lambda dialog: dialog.accept())  # "leave with unsaved changes?"
    page.locator("details.account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base}/auth/login")
    assert page.evaluate(DRAFT_KEYS) == []
    context.close()


def test_pages_work_without_javascript(browser, live_server):
    base = live_server.url
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    register(page, base)
    page.goto(f"{base}/entries/new")
    page.get_by_label("Entry").fill("No scripts needed #plain")
    page.get_by_role("button", name="Save entry").click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/entries/\d+$"))
    page.locator("details.account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base}/auth/login")
    context.close()


# Both widths and both themes, in two runs: the first test above takes all four pairs.
@pytest.mark.parametrize(("viewport", "scheme"), [("phone", "light"), ("desktop", "dark")])
def test_answer_todays_prompt_as_a_reframe_and_see_it_on_the_dashboard(browser, live_server,
                                                                      viewport, scheme):
    base = live_server.url
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)
    page = context.new_page()
    register(page, base)
    prompt_text = page.locator(".today-prompt .prompt-text").inner_text()
    audit(page, "dashboard")
    screenshot(page, f"dashboard-{viewport}-{scheme}")
    page.get_by_role("link", name="Answer as a reframe").click()
    assert prompt_text in page.locator(".prompt-answered").inner_text()
    page.get_by_label("What happened").fill("The launch slipped a week.")
    page.get_by_label("How much do you believe the harsh reading right now?").fill("8")
    page.get_by_label("What the engineer in me says").fill("I planned it badly. #doubt")
    page.get_by_label("Facts that contradict it").fill("Two of three slips were a vendor.")
    page.get_by_label("What a salesperson would see").fill("The customer got a stable release.")
    page.get_by_label("Having written this, how much do you believe it now?").fill("4")
    audit(page, "reframe form")
    screenshot(page, f"reframe-form-{viewport}-{scheme}")
    page.get_by_role("button", name="Save entry").click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/entries/\d+$"))
    assert "8 / 10" in page.content() and "4 / 10" in page.content()
    audit(page, "reframe entry")
    screenshot(page, f"reframe-entry-{viewport}-{scheme}")

    page.get_by_role("link", name="Journal").click()
    recent = page.locator(".recent")
    assert "The launch slipped a week." in recent.inner_text()
    assert "Reframe" in recent.inner_text()
    assert "1 day in a row" in page.locator(".streak").inner_text()

    for address in ("/prompts/", "/prompts/today", "/prompts/new", "/wins/",
                    "/entries/?kind=reframe", "/search?q=launch+OR+vendor",
                    "/search?q=nothing-matches-this", "/entries/calendar/",
                    "/entries/on-this-day/", "/insights/", "/insights/?range=all"):
        page.goto(base + address)
        audit(page, address)
    page.goto(base + "/search?q=launch+OR+vendor")
    assert page.locator("mark").count() >= 1
    screenshot(page, f"search-{viewport}-{scheme}")
    page.goto(base + "/entries/calendar/")
    screenshot(page, f"calendar-{viewport}-{scheme}")
    page.goto(base + "/insights/")
    assert page.locator("svg.chart").count() >= 3
    page.locator("details.chart-data summary").first.click()
    assert page.locator("table.data-table").first.is_visible()
    screenshot(page, f"insights-{viewport}-{scheme}")
    page.goto(base + "/prompts/")
    screenshot(page, f"prompts-{viewport}-{scheme}")
    context.close()
