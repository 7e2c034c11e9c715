"""What a new user meets in a real browser: empty pages with a readable first button,
the navigation on a phone, the start page, the prompt library and the administration
page at phone width. axe-core audits each page in light and dark; screenshots go to
artifacts."""

import re

import pytest

from tests.browser_support import audit, contrast, register, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 760}
DESKTOP = {"width": 1280, "height": 900}
SCHEMES = ["light", "dark"]

def shoot(page, name: str, scheme: str) -> None:
    """Full-page screenshots of the current page 390 and 1280 px wide, named by width."""
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        screenshot(page, f"{name}-{size['width']}-{scheme}")


EMPTY_PAGES = {
    "/entries/": "Write your first entry",
    "/entries/?kind=reframe": "Write your first entry",
    "/tags/": "Write an entry",
    "/wins/": "Write an entry",
    "/insights/": "Write an entry",
}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_first_button_on_every_empty_page_is_readable(browser, live_server, scheme):
    base = live_server.url
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    register(page, base)
    for address, label in EMPTY_PAGES.items():
        page.goto(base + address)
        button = page.locator(".empty").get_by_role("link", name=label)
        assert button.is_visible(), address
        assert contrast(button) >= 4.5, address
        audit(page, f"empty {address}")
    page.goto(f"{base}/entries/")
    shoot(page, "entries-empty", scheme)
    page.goto(f"{base}/insights/")
    shoot(page, "insights-empty", scheme)
    context.close()


FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_administration_page_fits_a_phone(browser, live_server, scheme):
    base = live_server.url
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    register(page, base)
    for name in ("bo", "someone-with-a-rather-long-name", "carla.from.the.design.team"):
        other = context.browser.new_context().new_page()
        register(other, base, name)
        other.context.close()
    page.goto(f"{base}/admin/")
    page.get_by_label("For username (optional)").fill("a-new-colleague-with-a-long-name")
    page.get_by_role("button", name="Create invitation").click()
    link = page.get_by_label("Link")
    assert "/auth/register?invite=" in link.input_value()
    for size in (PHONE, NARROW):
        page.set_viewport_size(size)
        assert page.evaluate(FITS), page.evaluate("document.documentElement.scrollWidth")
        actions = page.get_by_role("button", name="Password link for bo")
        assert actions.is_visible()
        box = actions.bounding_box()
        assert box["x"] + box["width"] <= size["width"] and box["height"] >= 44
    audit(page, "administration")
    shoot(page, "admin", scheme)
    context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_page_links_share_one_row_of_thumb_sized_targets_on_a_phone(browser, live_server,
                                                                        scheme):
    base = live_server.url
    context = browser.new_context(viewport=NARROW, color_scheme=scheme)
    page = context.new_page()
    register(page, base)
    page.goto(f"{base}/insights/")
    nav = page.get_by_role("navigation", name="Main")
    for size in (NARROW, PHONE):
        page.set_viewport_size(size)
        boxes = [link.bounding_box() for link in nav.locator(".nav-links a").all()]
        assert len(boxes) == 5
        assert len({round(box["y"]) for box in boxes}) == 1
        assert all(box["width"] >= 44 and box["height"] >= 44 for box in boxes)
        assert boxes[-1]["x"] + boxes[-1]["width"] <= size["width"]
        assert page.evaluate(FITS)
    assert nav.get_by_role("link", name="Insights").get_attribute("aria-current") == "page"
    assert nav.get_by_role("link", name="Write", exact=True).is_visible()
    screenshot(page, f"nav-insights-{NARROW['width']}-{scheme}")
    context.close()


HEIGHT = "document.documentElement.scrollHeight"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_prompt_library_folds_by_theme_and_opens_the_one_asked_for(browser, live_server,
                                                                       scheme):
    base = live_server.url
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    register(page, base)
    page.goto(f"{base}/prompts/new")
    page.get_by_label("Your prompt").fill("Whose day did my fix save?")
    page.get_by_role("button", name="Add prompt").click()
    page.wait_for_url(f"{base}/prompts/")

    assert page.locator(".today-prompt .prompt-text").is_visible()
    assert page.get_by_text("Whose day did my fix save?", exact=True).is_visible()
    story = page.locator("details#theme-story")
    assert not story.locator(".prompt-card").first.is_visible()
    assert page.evaluate(HEIGHT) < 4 * PHONE["height"]
    audit(page, "prompt library")
    shoot(page, "prompts", scheme)
    page.set_viewport_size(PHONE)

    # a theme link opens its theme and brings it into view
    themes = page.get_by_role("navigation", name="Themes")
    themes.get_by_role("link", name="The story of the work").click()
    page.wait_for_url(f"{base}/prompts/?theme=story#theme-story")
    assert story.evaluate("details => details.open")
    assert story.locator(".prompt-card").first.is_visible()
    page.wait_for_function("() => document.querySelector('#theme-story .prompt-card')"
                           ".getBoundingClientRect().bottom < innerHeight")
    # a bare fragment, from a bookmark or another page, opens it too (app.js)
    page.goto(f"{base}/prompts/#theme-evidence")
    assert page.locator("details#theme-evidence").evaluate("details => details.open")
    page.goto(f"{base}/prompts/")
    page.evaluate("location.hash = 'theme-value'")
    page.locator("details#theme-value[open]").wait_for()
    audit(page, "prompt library with a theme open")
    context.close()

    # without script the link still opens the theme, through the address
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    register(page, base, "bo")
    page.goto(f"{base}/prompts/")
    page.get_by_role("link", name="Return on effort").click()
    assert page.locator("details#theme-return").evaluate("details => details.open")
    assert page.locator("details#theme-return .prompt-card").first.is_visible()
    context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_start_page_offers_the_writing_box_in_the_first_screen(browser, live_server,
                                                                   scheme):
    base = live_server.url
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    register(page, base)
    for _ in range(2):  # the first visit after signing up, then a plain return
        area = page.locator(".quick-entry").get_by_label("Entry").bounding_box()
        assert area["y"] >= 0 and area["y"] + area["height"] <= PHONE["height"]
        assert page.locator(".quick-entry").bounding_box()["y"] \
            < page.locator(".today-prompt").bounding_box()["y"]
        page.goto(f"{base}/")
    audit(page, "start page")
    shoot(page, "start", scheme)
    context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_journal_with_entries_at_phone_and_desktop_width(browser, live_server, scheme):
    base = live_server.url
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    register(page, base)
    for body, tags in (("Shipped the importer; two teams use it already. #win", "work/launch"),
                       ("Pairing with Bo on the flaky test: found the race.", "team, work"),
                       ("Wrote the release notes in plain words.", "writing")):
        quick = page.locator(".quick-entry")
        quick.get_by_label("Entry").fill(body)
        quick.get_by_label("Tags").fill(tags)
        quick.get_by_role("button", name="Save entry").click()
        page.wait_for_url(re.compile(rf"{re.escape(base)}/entries/\d+$"))
        page.goto(f"{base}/")
    assert page.locator(".recent .entry-card").count() == 3
    audit(page, "start page with entries")
    shoot(page, "start-full", scheme)
    for address, name in (("/entries/", "entries-full"), ("/insights/", "insights-full"),
                          ("/tags/", "tags-full")):
        page.set_viewport_size(PHONE)
        page.goto(base + address)
        assert page.evaluate(FITS), address
        audit(page, address)
        shoot(page, name, scheme)
    context.close()
