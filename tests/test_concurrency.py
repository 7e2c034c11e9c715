"""Many writers at once against the real server: gunicorn as ``make run`` starts it
(several worker processes, each with threads) over one SQLite file. Every request must
succeed and every entry must be in an intact database afterwards."""

import http.client
import re
import socket
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from bench.import_concurrency import flask, server_env, stop, wait_until_healthy

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# A small fixed range, so the test also runs where only a few local ports may be used.
PORTS = range(5080, 5100)

USERNAME = "writer"
PASSWORD = "many hands make light work"
CLIENTS = 8
ENTRIES_PER_CLIENT = 100
CSRF_INPUT = re.compile(r"<input\b[^>]*\bname=\"csrf_token\"[^>]*>")
VALUE = re.compile(r"\bvalue=\"([^\"]+)\"")
ENTRY_PATH = re.compile(r"^/entries/(\d+)$")


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


class Browser:
    """Just enough of a browser: one cookie jar, a new connection per request, no
    redirects followed unless asked."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if not morsel.value or morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.getheader("Location"), text

    def csrf_token(self, path: str) -> str:
        status, _, page = self.request("GET", path)
        assert status == 200, (path, status)
        field = CSRF_INPUT.search(page)
        assert field, f"no CSRF token on {path}"
        return VALUE.search(field.group(0)).group(1)


def write_entries(port: int, number: int) -> tuple[list[int], list[str]]:
    """Sign in and save entries; returns the new entry ids and any unexpected answers."""
    browser = Browser(port)
    problems: list[str] = []
    token = browser.csrf_token("/auth/login")
    status, location, _ = browser.request(
        "POST", "/auth/login", {"username": USERNAME, "password": PASSWORD, "csrf_token": token})
    if status != 302:
        return [], [f"client {number}: sign-in answered {status}"]

    token = browser.csrf_token("/entries/new")
    ids = []
    for index in range(ENTRIES_PER_CLIENT):
        form = {
            "title": f"Client {number}, entry {index}" if index % 3 else "",
            "body": f"Shipped part {index} of the load test. #load/client-{number}\n\n"
                    f"- evidence: {index} entries so far\n- next: one more",
            "tags": "concurrency, work/launch" if index % 2 else "concurrency",
            "csrf_token": token,
        }
        status, location, text = browser.request("POST", "/entries/new", form)
        match = ENTRY_PATH.match(urlsplit(location or "").path)
        if status != 302 or not match:
            problems.append(f"client {number}, entry {index}: {status} {location} {text[:200]}")
            continue
        ids.append(int(match.group(1)))
        status, _, _ = browser.request("GET", match.group(0))  # as a browser would
        if status != 200:
            problems.append(f"client {number}, entry {index}: its page answered {status}")
    return ids, problems


@pytest.mark.slow
def test_parallel_writers_through_gunicorn_lose_nothing(tmp_path):
    database = tmp_path / "journal.sqlite3"
    port = free_port()
    env = server_env(database, port, workers=3)
    flask(env, "db", "upgrade")
    flask(env, "create-user", USERNAME, "--password-stdin", stdin=PASSWORD + "\n")

    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen([str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")],
                                  env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_healthy(server, port, log)
        started = time.monotonic()
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(lambda number: write_entries(port, number), range(CLIENTS)))
        elapsed = time.monotonic() - started
    finally:
        stop(server)

    problems = [problem for _, found in results for problem in found]
    assert problems == [], "\n".join(problems[:20])
    ids = [entry_id for found, _ in results for entry_id in found]
    expected = CLIENTS * ENTRIES_PER_CLIENT
    assert len(set(ids)) == expected
    assert "Traceback" not in log.read_text()

    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        owner_entries = connection.execute(
            "SELECT count(*) FROM entries JOIN users ON users.id = entries.owner_id "
            "WHERE users.username = ?", (USERNAME,)).fetchone()[0]
        assert owner_entries == expected
        # Tag names are sealed: each tag is counted by its id, and none is stored twice.
        links = sorted(count for count, in connection.execute(
            "SELECT count(entry_tags.entry_id) FROM tags "
            "JOIN entry_tags ON entry_tags.tag_id = tags.id GROUP BY tags.id"))
        plain_names = connection.execute(
            "SELECT count(*) FROM tags WHERE name IS NOT NULL").fetchone()[0]
    connection.close()
    assert links == sorted([expected, expected // 2] + [ENTRIES_PER_CLIENT] * CLIENTS)
    assert plain_names == 0
    print(f"{expected} entries from {CLIENTS} clients in {elapsed:.1f} s")
