"""A live server and a Chromium for the browser tests."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from journal import create_app
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


def audit(page, label: str) -> None:
    """Fail when axe-core finds a serious or critical violation on ``page``."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    problems = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] if isinstance(node["target"][0], str)
                    else str(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation.get("impact") in SERIOUS
    ]
    assert not problems, f"accessibility problems on {label}:\n" + "\n".join(problems)


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
