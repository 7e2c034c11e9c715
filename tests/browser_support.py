"""A live server and a Chromium for the browser tests."""

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from journal import create_app
from tests.conftest import PASSWORD
from tests.system_support import skip_without

CHROMIUM = os.environ.get("JOURNAL_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
SERIOUS = {"serious", "critical"}


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(tmp_path, migrated_template):
    from tests.conftest import make_config

    database = tmp_path / "browser.sqlite3"
    shutil.copyfile(migrated_template, database)
    app = create_app(make_config(database, WTF_CSRF_ENABLED=True))
    with LiveServer(app) as server:
        yield server
    with app.app_context():
        from journal.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        skip_without("chromium", "the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-gpu"],
        )
        yield browser
        browser.close()


ACTIONABLE = "a[href], button, [role=button], input[type=submit], input[type=button]"

# The WCAG contrast of an element's text against what it is drawn on: the nearest
# background, where a pill drawn by a ::before behind the text counts as one.
CONTRAST = """element => {
  const rgba = text => text.match(/[\\d.]+/g).map(Number);
  const shows = colour => colour.length < 4 || colour[3] > 0;
  const luminance = colour => {
    const [r, g, b] = colour.slice(0, 3).map(value => {
      value /= 255;
      return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  let back = null;
  for (let node = element; node && !back; node = node.parentElement) {
    const before = getComputedStyle(node, "::before");
    const pill = before.content !== "none" ? rgba(before.backgroundColor) : null;
    const own = rgba(getComputedStyle(node).backgroundColor);
    back = pill && shows(pill) ? pill : shows(own) ? own : null;
  }
  const [light, dark] = [luminance(rgba(getComputedStyle(element).color)),
                         luminance(back || [255, 255, 255])].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}"""


# Why axe left a node undecided, where the colours are plain and measured here instead.
MEASURED_HERE = {"pseudoContent", "nonBmp"}


def contrast(locator) -> float:
    """The contrast ratio of the element's text, from the colours the browser computed."""
    return locator.evaluate(CONTRAST)


def register(page, base, username="ana", shot: str | None = None):
    """Create an account through the form, confirm the recovery key it shows (audited
    and photographed as ``recovery-key-<shot>`` when ``shot`` is given), and land on the
    start page."""
    page.goto(f"{base}/auth/register")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    confirm_recovery_key(page, base, shot)


def confirm_recovery_key(page, base, shot: str | None = None):
    """On the recovery key page a new account lands on: check the key is there, confirm
    it is saved, and land on the start page."""
    page.wait_for_url(f"{base}/account/recovery-key")
    assert page.locator("#recovery-key").inner_text().count("-") == 7
    if shot:
        audit(page, "recovery key")
        screenshot(page, f"recovery-key-{shot}")
    page.get_by_label("I have saved my recovery key somewhere safe").check()
    page.get_by_role("button", name="Done").click()
    page.wait_for_url(f"{base}/")


def write(page, base, body, tags="", title=""):
    """Write an entry through the write page and wait for its page."""
    page.goto(f"{base}/entries/new")
    if title:
        page.get_by_label("Title (optional)").fill(title)
    page.get_by_label("Entry").fill(body)
    page.get_by_label("Tags").fill(tags)
    page.get_by_role("button", name="Save entry").click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/entries/\d+$"))


def audit(page, label: str) -> None:
    """Fail when axe-core finds a serious or critical violation on ``page``, or when a
    link's or a button's text may be unreadable. axe files text whose contrast it cannot
    decide as "incomplete": for other text (over an image or a gradient) that stays a
    warning; for a control it fails, unless the colours are plain ones axe only declines
    to judge (a pill drawn behind the text by a ::before, an arrow glyph), which are
    measured here instead and fail below 4.5:1."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    problems = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(_where(node) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation.get("impact") in SERIOUS
    ]
    problems += [
        f"color-contrast (undecided): {_where(node)} {node['html']} — "
        + "; ".join(check["message"] for check in node["any"])
        for result in results.response["incomplete"] if result["id"] == "color-contrast"
        for node in result["nodes"] if _unreadable_control(page, node)
    ]
    assert not problems, f"accessibility problems on {label}:\n" + "\n".join(problems)


def _where(node: dict) -> str:
    target = node["target"][0]
    return target if isinstance(target, str) else str(node["target"])


def _unreadable_control(page, node: dict) -> bool:
    """Whether axe's undecided node is a link or a button (or inside one) that is not
    shown to be readable."""
    selector = node["target"][-1]
    if not isinstance(selector, str):  # inside a shadow root or frame: read the markup
        return node["html"].lstrip().startswith(("<a ", "<button", "<input"))
    element = page.locator(selector).first
    if not element.evaluate(f"element => !!element.closest({ACTIONABLE!r})"):
        return False
    reasons = {check.get("data", {}).get("messageKey") for check in node["any"]
               if isinstance(check.get("data"), dict)}
    return not reasons or not reasons <= MEASURED_HERE or contrast(element) < 4.5


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
