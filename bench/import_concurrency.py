"""A large import never blocks anyone else: one person confirms an import of 150,000
entries while another saves an entry every 100 ms and signs in again every second,
against gunicorn as ``make run`` starts it, over one SQLite file.

    .venv/bin/python bench/import_concurrency.py [--entries 150000] [--workers 3]

Prints how many saves and sign-ins there were, how many failed (none should), the
slowest of each, and how long the import took from confirming to done. The slow test
``tests/test_import_concurrency.py`` runs the same at 30,000 entries.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "a long bench passphrase"  # noqa: S105 - a throwaway database
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
DIGEST = re.compile(r'name="digest"[^>]*value="([0-9a-f]{64})"|'
                    r'value="([0-9a-f]{64})"[^>]*name="digest"')
SAVE_EVERY = 0.1  # seconds between the other person's saves
SIGN_IN_EVERY = 10  # saves between their sign-ins


def jrnl_document(count: int) -> bytes:
    """A jrnl JSON export of ``count`` short entries, one a minute from 2015 on."""
    entries = []
    start = time.mktime((2015, 1, 1, 8, 0, 0, 0, 0, 0))
    for number in range(count):
        moment = time.gmtime(start + number * 600)
        entries.append({"title": f"Day note {number}",
                        "body": f"Fixed the flaky deploy step, part {number}. @work",
                        "date": time.strftime("%Y-%m-%d", moment),
                        "time": time.strftime("%H:%M", moment),
                        "tags": ["@work", f"@batch{number % 20}"], "starred": False})
    return json.dumps({"tags": {}, "entries": entries}).encode()


class Browser:
    """One cookie jar and a fresh connection per request; redirects are not followed."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, *,
                body: bytes | None = None, content_type: str | None = None,
                timeout: float = 120):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body, content_type = urlencode(form).encode(), "application/x-www-form-urlencoded"
        if content_type:
            headers["Content-Type"] = content_type
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if not morsel.value or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.getheader("Location"), text

    def token(self, path: str) -> str:
        status, _, page = self.request("GET", path)
        match = CSRF.search(page)
        if status != 200 or not match:
            raise RuntimeError(f"no form on {path} ({status})")
        return match.group(1) or match.group(2)

    def sign_in(self, username: str) -> int:
        token = self.token("/auth/login")
        status, _, _ = self.request("POST", "/auth/login", {
            "username": username, "password": PASSWORD, "csrf_token": token})
        return status

    def upload(self, data: bytes, token: str):
        boundary = secrets.token_hex(16)
        parts = []
        for name, value in (("csrf_token", token), ("format", "detect"), ("timezone", "UTC")):
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                         f"\r\n\r\n{value}\r\n".encode())
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                     f'filename="journal.json"\r\nContent-Type: application/json\r\n\r\n'
                     .encode() + data + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request("POST", "/account/import", body=b"".join(parts),
                            content_type=f"multipart/form-data; boundary={boundary}")


@dataclass
class Figures:
    saves: list[float] = field(default_factory=list)
    sign_ins: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    confirm_seconds: float = 0.0
    import_seconds: float = 0.0
    job_state: str = ""
    imported: int = 0
    worker_peaks_mb: list[float] = field(default_factory=list)

    def report(self) -> str:
        return (f"import: {self.imported:,} entries, {self.job_state}, "
                f"{self.import_seconds:.1f} s from confirming to done "
                f"(the confirm request itself {self.confirm_seconds:.1f} s)\n"
                f"meanwhile: {len(self.saves)} saves, slowest {max(self.saves, default=0):.3f} s; "
                f"{len(self.sign_ins)} sign-ins, slowest {max(self.sign_ins, default=0):.3f} s; "
                f"{len(self.failures)} failed\n"
                f"peak worker memory (VmHWM): "
                f"{', '.join(f'{peak:.0f} MB' for peak in self.worker_peaks_mb)}")


def stop(server: subprocess.Popen) -> None:
    """Stop a server as gunicorn likes (its workers finish), killing it after 30 s."""
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(database: Path, port: int, workers: int) -> dict:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("JOURNAL_", "GUNICORN_"))}
    env.update({
        "JOURNAL_DATABASE_URL": f"sqlite:///{database}",
        "JOURNAL_SECRET_KEY": secrets.token_urlsafe(36),
        "JOURNAL_SECURE_COOKIES": "false",
        "JOURNAL_PASSWORD_HASH_TIME_COST": "1",
        "JOURNAL_PASSWORD_HASH_MEMORY_COST": "8",
        "JOURNAL_PASSWORD_HASH_PARALLELISM": "1",
        "JOURNAL_KEY_DERIVATION_TIME_COST": "1",
        "JOURNAL_KEY_DERIVATION_MEMORY_COST": "8",
        "JOURNAL_KEY_DERIVATION_PARALLELISM": "1",
        "JOURNAL_WORKERS": str(workers),
        "HOST": "127.0.0.1",
        "PORT": str(port),
    })
    return env


def flask(env: dict, *args: str, stdin: str | None = None) -> None:
    result = subprocess.run([str(BIN / "flask"), "--app", "journal", *args], env=env,
                            cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120)
    if result.returncode:
        raise RuntimeError(result.stdout + result.stderr)


def wait_until_healthy(server: subprocess.Popen, port: int, log: Path | None = None,
                       path: str = "/healthz") -> None:
    """Return once gunicorn answers ``path`` with 200; raise RuntimeError (with ``log``'s
    text) when it stops or does not answer within 30 s."""
    def tail() -> str:
        return f":\n{log.read_text()[-3000:]}" if log is not None else ""

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with {server.returncode}{tail()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not become healthy{tail()}")


def other_person(port: int, figures: Figures, stop: threading.Event) -> None:
    """Save an entry every 100 ms and sign in anew every tenth save, timing each."""
    browser = Browser(port)
    started = time.perf_counter()
    if browser.sign_in("writer") != 302:
        figures.failures.append("the first sign-in failed")
        return
    figures.sign_ins.append(time.perf_counter() - started)
    token = browser.token("/entries/new")
    number = 0
    while not stop.is_set():
        number += 1
        started = time.perf_counter()
        status, location, text = browser.request("POST", "/entries/new", {
            "body": f"Note {number} while someone imports. #meanwhile", "tags": "meanwhile",
            "csrf_token": token})
        figures.saves.append(time.perf_counter() - started)
        if status != 302 or not (location or "").split("?")[0].rstrip("/").split("/")[-1].isdigit():
            figures.failures.append(f"save {number}: {status} {text[:120]}")
        if number % SIGN_IN_EVERY == 0:
            fresh = Browser(port)
            started = time.perf_counter()
            status = fresh.sign_in("writer")
            figures.sign_ins.append(time.perf_counter() - started)
            if status != 302:
                figures.failures.append(f"sign-in after save {number}: {status}")
        stop.wait(SAVE_EVERY)


def import_while_writing(port: int, data: bytes, *, deadline: float = 600) -> Figures:
    """The scenario against a running server with the users ``importer`` and
    ``writer``; returns what was measured."""
    figures = Figures()
    importer = Browser(port)
    if importer.sign_in("importer") != 302:
        raise RuntimeError("the importer could not sign in")
    status, location, text = importer.upload(data, importer.token("/account/import"))
    if status != 303:
        raise RuntimeError(f"the upload answered {status}: {text[:300]}")
    _, _, preview = importer.request("GET", "/account/import/preview")
    digest = DIGEST.search(preview)
    token = CSRF.search(preview)

    stop = threading.Event()
    writer = threading.Thread(target=other_person, args=(port, figures, stop))
    writer.start()
    try:
        time.sleep(1)  # the other person is busy before the import starts
        started = time.perf_counter()
        status, location, text = importer.request("POST", "/account/import/confirm", {
            "digest": digest.group(1) or digest.group(2),
            "csrf_token": token.group(1) or token.group(2)})
        figures.confirm_seconds = time.perf_counter() - started
        if status != 303 or "/jobs/" not in (location or ""):
            raise RuntimeError(f"the confirmation answered {status} {location}: {text[:300]}")
        job_path = location.split("://", 1)[-1].split("/", 1)[-1]
        while time.perf_counter() - started < deadline:
            _, _, body = importer.request("GET", f"/{job_path}/status")
            status_now = json.loads(body)
            if status_now["finished"]:
                figures.job_state = status_now["state"]
                figures.imported = status_now["done"]
                break
            time.sleep(0.5)
        figures.import_seconds = time.perf_counter() - started
        time.sleep(1)  # and a moment after it
    finally:
        stop.set()
        writer.join()
    return figures


def worker_peaks_mb(master: int) -> list[float]:
    """The peak resident memory (VmHWM) of each gunicorn worker of ``master``, in MB."""
    peaks = []
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        kilobytes = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
        peaks.append(kilobytes / 1024)
    return sorted(peaks, reverse=True)


def run_scenario(folder: Path, entries: int, workers: int = 3) -> Figures:
    """Migrate a fresh database in ``folder``, serve it with gunicorn, and measure."""
    database = folder / "journal.sqlite3"
    port = free_port()
    env = server_env(database, port, workers)
    flask(env, "db", "upgrade")
    for name in ("importer", "writer"):
        flask(env, "create-user", name, "--password-stdin", stdin=PASSWORD + "\n")
    data = jrnl_document(entries)
    log = folder / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen([str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")],
                                  env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_healthy(server, port, log)
        figures = import_while_writing(port, data)
        figures.worker_peaks_mb = worker_peaks_mb(server.pid)
    finally:
        stop(server)
    if "Traceback" in log.read_text():
        figures.failures.append("the server log has a traceback:\n" + log.read_text()[-3000:])
    with sqlite3.connect(database) as connection:
        figures.imported = connection.execute(
            "SELECT count(*) FROM entries JOIN users ON users.id = entries.owner_id "
            "WHERE users.username = 'importer'").fetchone()[0]
    connection.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=150_000)
    parser.add_argument("--workers", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        size = len(jrnl_document(options.entries))
        print(f"{options.entries:,} entries, {size / 1e6:.1f} MB of jrnl JSON, "
              f"gunicorn with {options.workers} workers")
        figures = run_scenario(Path(folder), options.entries, options.workers)
    print(figures.report())
    for failure in figures.failures[:20]:
        print("  ", failure)


if __name__ == "__main__":
    main()
