"""Make docs/screenshot.png, the README's picture, from the current code.

    .venv/bin/python docs/screenshot.py

A throw-away demo database in a temporary folder (an account filled by `demo-data`),
the journal served on 127.0.0.1, and the system's Chromium signing in and taking the
start page at 1280 px wide in the light theme.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "journal"]
PASSWORD = "a long demo passphrase"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "JOURNAL_DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3",
               "JOURNAL_SECRET_KEY": "screenshot-only-" + "x" * 32,
               "JOURNAL_DEFAULT_TIMEZONE": "Europe/Berlin"}
        run = dict(cwd=ROOT, env=env, check=True, capture_output=True, text=True)
        subprocess.run([*FLASK, "db", "upgrade"], **run)
        subprocess.run([*FLASK, "create-user", "demo", "--admin", "--password-stdin"],
                       input=PASSWORD + "\n", **run)
        subprocess.run([*FLASK, "demo-data", "--user", "demo", "--entries", "600",
                        "--seed", "7"], **run)
        port = free_port()
        server = subprocess.Popen([*FLASK, "run", "--port", str(port)], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.1)
            shoot(base, ROOT / "docs" / "screenshot.png")
        finally:
            server.terminate()
            server.wait(timeout=10)


def shoot(base: str, target: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 1500},
                                color_scheme="light")
        page.goto(f"{base}/auth/login")
        page.get_by_label("Username").fill("demo")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base}/")
        page.screenshot(path=str(target))
        browser.close()
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
