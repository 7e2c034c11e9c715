"""Every main page's latency at 1,000 and at 100,000 entries, against a bare Flask route
on the same database, in one run.

    .venv/bin/python bench/pages.py [--sizes 1000:2,100000:10] [--duration 5 | --requests N]
                                    [--downloads 10] [--checkout PATH] [--keep]

For each size (ENTRIES:YEARS: by default 1,000 entries over two years and 100,000 over
ten) it fills a throwaway SQLite database in a temporary folder with the checkout's own
commands (``db upgrade``, ``create-user``, ``demo-data --seed 1``) and says how long that
took. It serves the journal as ``make run`` does (``gunicorn -c gunicorn.conf.py`` from
the checkout, on 127.0.0.1 and a free port) and, beside it, ``bench/bare_app.py`` with
the same gunicorn settings on the same database; signs in once, and drives each page
with ``hey -c 8`` (wrk when hey is missing) for a fixed time or number of requests. Two
passes: for each page the pass with the lower median counts.

Prints per size: requests/s, p50, p99, and p50 over the bare route's p50, for each page;
p50 with one client for a common-word search and all-time insights; time to the first
byte of the brag document and of the JSON export (sequential requests, each body read
and dropped); the largest journal worker's resident memory now and at its peak. Then
how each page grew from the smallest size to the largest.

``--checkout PATH`` serves another checkout's code with that checkout's .venv (``make
venv`` there), for a before-and-after comparison; ``--keep`` keeps the databases.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.drive import BenchError, Driver, Run, first_bytes  # noqa: E402
from bench.import_concurrency import (  # noqa: E402
    PASSWORD,
    Browser,
    free_port,
    stop,
    wait_until_healthy,
)
from bench.search import pick_words  # noqa: E402

USERNAME = "bench"
CLIENTS = 8
BARE = "bare route (20 newest)"
APP = "app route (signed in, 20 newest)"
ONE_CLIENT = ("/search?q=<common>", "/insights/?range=all")
DOWNLOADS = ("/wins/brag.md", "/account/export/json")


@dataclass
class Size:
    entries: int
    years: int
    results: dict[str, Run]  # by page key; BARE and "<key> (1 client)" among them
    paths: dict[str, str]  # page key: the path measured at this size


def parse_sizes(value: str) -> list[tuple[int, int]]:
    """``1000:2,100000:10`` as ``[(1000, 2), (100000, 10)]``; without ``:YEARS`` a size
    of 50,000 entries or more spans ten years, a smaller one two."""
    sizes = []
    try:
        for part in value.split(","):
            entries, _, years = part.strip().partition(":")
            count = int(entries.replace("_", ""))
            sizes.append((count, int(years) if years else (10 if count >= 50_000 else 2)))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a list like 1000:2,100000:10") from None
    return sizes


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def worker_memory_mb(master: int) -> tuple[int, float, float]:
    """How many workers gunicorn's ``master`` has, and the resident memory now and at its
    peak (VmRSS, VmHWM), in MB, of the one with the highest peak."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    largest = (0.0, 0.0)
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        rss, peak = (int(re.search(rf"{name}:\s+(\d+) kB", status).group(1)) / 1024
                     for name in ("VmRSS", "VmHWM"))
        largest = max(largest, (rss, peak), key=lambda pair: pair[1])
    return len(children), *largest


class Checkout:
    """The code that serves: its flask commands and gunicorn, run from its folder with
    its own .venv, in an environment like ``make run``'s."""

    def __init__(self, path: Path):
        self.path = path
        self.bin = path / ".venv" / "bin"
        for needed in (self.bin / "gunicorn", self.bin / "flask", path / "gunicorn.conf.py"):
            if not needed.exists():
                raise BenchError(f"{needed} is missing: run `make venv` in {path}")

    def describe(self) -> str:
        head = subprocess.run(["git", "-C", str(self.path), "log", "-1", "--format=%h %s"],
                              capture_output=True, text=True).stdout.strip()
        head = head if len(head) < 80 else head[:76] + "..."
        dirty = subprocess.run(["git", "-C", str(self.path), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True).stdout
        return f"{self.path} at {head}{' (with uncommitted changes)' if dirty else ''}"

    def flask(self, env: dict, *args: str, stdin: str | None = None) -> str:
        result = subprocess.run([str(self.bin / "flask"), "--app", "journal", *args], cwd=self.path,
                                env=env, input=stdin, capture_output=True, text=True)
        if result.returncode:
            raise BenchError(f"flask {' '.join(args)} failed in {self.path}:\n"
                             f"{result.stdout}{result.stderr}")
        return result.stdout

    def serve(self, env: dict, log: Path, *app: str) -> subprocess.Popen:
        """gunicorn -c gunicorn.conf.py, with ``app`` (``--pythonpath DIR module:app``) in
        place of the journal when given; waits until it answers."""
        with log.open("w") as output:
            server = subprocess.Popen([str(self.bin / "gunicorn"), "-c", "gunicorn.conf.py", *app],
                                      cwd=self.path, env=env, stdout=output,
                                      stderr=subprocess.STDOUT)
        try:
            wait_until_healthy(server, int(env["PORT"]), log, "/" if app else "/healthz")
        except RuntimeError as error:
            stop(server)
            raise BenchError(str(error)) from error
        return server


def environment(database: Path, port: int) -> dict:
    """``make run``'s environment (HOST and PORT; the rest of the journal's settings at
    their defaults) with the throwaway database and a secret key."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("JOURNAL_", "GUNICORN_"))}
    env.update({"JOURNAL_DATABASE_URL": f"sqlite:///{database}",
                "JOURNAL_SECRET_KEY": secrets.token_urlsafe(48),
                "HOST": "127.0.0.1", "PORT": str(port), "BENCH_USERNAME": USERNAME})
    return env


def fill(checkout: Checkout, env: dict, entries: int, years: int) -> None:
    """Migrate, add the account and its demo entries; print what it took. When the
    checkout's demo-data has no --years, this repository's demo-data fills its schema."""
    started = time.perf_counter()
    checkout.flask(env, "db", "upgrade")
    checkout.flask(env, "create-user", USERNAME, "--password-stdin", stdin=PASSWORD + "\n")
    prepared = time.perf_counter()
    filler = checkout
    if "--years" not in checkout.flask(env, "demo-data", "--help"):
        filler = Checkout(ROOT)
        print(f"  the checkout's demo-data has no --years: {ROOT}'s fills the database")
    # A sealed journal's demo data is sealed under its key: the password opens it.
    unlock = (["--password-stdin"] if "--password-stdin" in filler.flask(
        env, "demo-data", "--help") else [])
    added = filler.flask(env, "demo-data", "--user", USERNAME, "--entries", str(entries),
                         "--years", str(years), "--seed", "1", *unlock,
                         stdin=PASSWORD + "\n").strip()
    done = time.perf_counter()
    print(f"  fill: {done - started:.1f} s (db upgrade and create-user {prepared - started:.1f}"
          f" s, demo-data {done - prepared:.1f} s)\n  demo-data: {added}")


def pick_sealed(database: Path) -> tuple[str, int, dict[str, tuple[str, int]]]:
    """The common tag and a rare, a medium and a common word of a sealed journal, read
    with this repository's code and the bench account's password (entries opened one by
    one; their words counted per entry as the index splits them)."""
    from collections import Counter

    from journal import create_app
    from journal.auth.keys import unlock_with_password
    from journal.auth.queries import find_user
    from journal.extensions import db
    from journal.fulltext.terms import words_of
    from journal.models import Entry
    from journal.ownership import owned
    from journal.tags.lookup import all_tags

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                      "SECRET_KEY": secrets.token_urlsafe(48)})
    with app.app_context():
        user = find_user(USERNAME)
        unlock_with_password(user, PASSWORD)
        common = max(all_tags(user), key=lambda tag: tag.entry_count)
        counts: Counter[str] = Counter()
        for entry in db.session.scalars(owned(Entry, user).execution_options(yield_per=2000)):
            reframe = entry.reframe
            parts = [entry.title or "", entry.body, entry.win_part or "",
                     entry.prompt_text or "", *(f"{tag.display_name} {tag.name}"
                                                for tag in entry.tags),
                     *([getattr(reframe, name) for name in reframe.TEXT_FIELDS]
                       if reframe else [])]
            counts.update({word for word in words_of(" ".join(parts)) if len(word) >= 4})
        db.session.remove()
    rows = sorted((doc, term) for term, doc in counts.items())
    total = rows[-1][0]
    rare = next((term, doc) for doc, term in rows if doc >= 3)
    medium = min(((term, doc) for doc, term in rows), key=lambda row: abs(row[1] - total * 0.02))
    return common.name, common.entry_count, {"rare": rare, "medium": medium,
                                             "common": (rows[-1][1], rows[-1][0])}


def pick_pages(database: Path) -> dict[str, str]:
    """The pages to measure, by key (the same key at every size), with this journal's
    entry, common tag and search words in their paths; prints what was picked."""
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        entry_id, days, first, last = connection.execute(text(
            "SELECT max(id), count(DISTINCT date(created_at)), min(date(created_at)), "
            "max(date(created_at)) FROM entries")).one()
        tag, tagged = connection.execute(text(
            "SELECT name, count(*) FROM entry_tags JOIN tags ON tags.id = entry_tags.tag_id "
            "GROUP BY tags.id ORDER BY count(*) DESC LIMIT 1")).one()
        words = pick_words(connection) if tag is not None else None
    engine.dispose()
    if tag is None:  # a sealed journal: its names and words open only with its key
        tag, tagged, words = pick_sealed(database)
    picked = ", ".join(f"{label} {word!r} ({holding:,} entries)"
                       for label, (word, holding) in words.items())
    print(f"  entries on {days:,} days from {first} to {last}; common tag #{tag} "
          f"({tagged:,} entries); search words: {picked}")
    pages = {key: key for key in ("/", "/entries/")}
    pages["/entries/<id>"] = f"/entries/{entry_id}"
    pages["/tags/"] = "/tags/"
    pages["/tags/<common tag>"] = f"/tags/{quote(tag, safe='/')}"
    for label, (word, _) in words.items():
        pages[f"/search?q=<{label}>"] = f"/search?q={quote(word)}"
    pages["/search?q=tag:<common tag>"] = f"/search?q={quote('tag:' + tag, safe=':/')}"
    for key in ("/entries/calendar/", "/entries/on-this-day/", "/wins/",
                *(f"/insights/?range={days}" for days in ("30", "90", "365", "all")),
                "/prompts/", "/prompts/today"):
        pages[key] = key
    return pages


def measure(checkout: Checkout, driver: Driver, folder: Path, entries: int, years: int,
            downloads: int) -> Size:
    """Fill, serve, sign in, and run both passes for one size."""
    print(f"\n== {entries:,} entries over {years} years ==")
    database = folder / "journal.sqlite3"
    env = environment(database, free_port())
    fill(checkout, env, entries, years)
    pages = pick_pages(database)
    bare_env = {**env, "PORT": str(free_port())}
    app_env = {**env, "PORT": str(free_port())}
    servers = []
    try:
        servers.append(checkout.serve(env, folder / "journal.log"))
        servers.append(checkout.serve(bare_env, folder / "bare.log", "--pythonpath",
                                      str(ROOT / "bench"), "bare_app:app"))
        servers.append(checkout.serve(app_env, folder / "app_route.log", "--pythonpath",
                                      str(ROOT / "bench"), "app_route:app"))
        browser = Browser(int(env["PORT"]))
        if browser.sign_in(USERNAME) != 302:
            raise BenchError("signing in failed")
        cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
        for path in pages.values():
            status = browser.request("GET", path)[0]
            if status != 200:
                raise BenchError(f"{path} answered {status}")
        journal = f"http://127.0.0.1:{env['PORT']}"
        bare = f"http://127.0.0.1:{bare_env['PORT']}/"
        app_route = f"http://127.0.0.1:{app_env['PORT']}/bench/newest"
        results: dict[str, Run] = {}
        for number in (1, 2):
            print(f"  load before pass {number}: {uptime()}")
            runs = {BARE: driver.run(bare, "", CLIENTS),
                    APP: driver.run(app_route, cookie, CLIENTS)}
            runs.update({key: driver.run(journal + path, cookie, CLIENTS)
                         for key, path in pages.items()})
            runs[BARE + " (1 client)"] = driver.run(bare, "", 1)
            runs[APP + " (1 client)"] = driver.run(app_route, cookie, 1)
            for key in ONE_CLIENT:
                runs[key + " (1 client)"] = driver.run(journal + pages[key], cookie, 1)
            for path in DOWNLOADS:
                run, whole, size = first_bytes(int(env["PORT"]), path, cookie, downloads)
                runs[path] = run
                runs[path + " whole"] = Run(size, 0.0, whole, whole)
            for key, run in runs.items():
                if key not in results or run.p50 < results[key].p50:
                    results[key] = run
        workers, rss, peak = worker_memory_mb(servers[0].pid)
        print(f"  largest of the journal's {workers} workers after both passes: {rss:.0f} MB "
              f"resident (VmRSS), {peak:.0f} MB at its peak (VmHWM)")
    finally:
        for server in servers:
            stop(server)
    log = (folder / "journal.log").read_text()
    if "Traceback" in log:
        print("  the journal's log has a traceback:\n" + log[-3000:])
    return Size(entries, years, results, {BARE: BARE, APP: APP, **pages})


def base_of(key: str) -> str:
    """The bare route figure a page is set against: with one client for the one-client
    figures and the downloads (sequential requests)."""
    return BARE + " (1 client)" if key.endswith("(1 client)") or key in DOWNLOADS else BARE


def ratio(size: Size, key: str, base: str = BARE) -> float:
    """``key``'s p50 over the floor's (``BARE`` or ``APP``) with as many clients."""
    floor = base_of(key).replace(BARE, base)
    if floor not in size.results:  # a checkout too old to serve the app route
        return float("nan")
    return size.results[key].p50 / size.results[floor].p50


def report(size: Size) -> None:
    results, width = size.results, 48
    print(f"\n  {size.entries:,} entries over {size.years} years, {CLIENTS} clients: for each page "
          f"the better p50 of the two passes, with that pass's req/s and p99")
    print("  x bare: over the bare app's route; x app: over the same query as a signed-in "
          "route of the journal's own app")
    print(f"  {'page':<{width}} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'x bare':>7} {'x app':>7}")
    for key in size.paths:
        run = results[key]
        print(f"  {size.paths[key][:width]:<{width}} {run.requests:>8} {run.per_second:>8.1f} "
              f"{run.p50:>8.1f} {run.p99:>8.1f} {ratio(size, key):>6.1f}x "
              f"{ratio(size, key, APP):>6.1f}x")
    print(f"\n  {'one client (-c 1)':<{width}} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'x bare':>7} {'x app':>7}")
    for key in (BARE, APP, *ONE_CLIENT):
        run = results[key + " (1 client)"]
        print(f"  {size.paths[key][:width]:<{width}} {run.requests:>8} {run.p50:>8.1f} "
              f"{run.p99:>8.1f} {ratio(size, key + ' (1 client)'):>6.1f}x "
              f"{ratio(size, key + ' (1 client)', APP):>6.1f}x")
    print(f"\n  downloads, {results[DOWNLOADS[0]].requests} sequential requests each: time to "
          f"the first byte of the body (x bare: over the bare route with one client)")
    print(f"  {'download':<24} {'first byte p50':>15} {'p99':>8} {'x bare':>7} "
          f"{'whole p50':>10} {'size':>9}")
    for key in DOWNLOADS:
        run, whole = results[key], results[key + " whole"]
        print(f"  {key:<24} {run.p50:>12.1f} ms {run.p99:>5.1f} ms {ratio(size, key):>6.1f}x "
              f"{whole.p50 / 1000:>8.2f} s {whole.requests / 1e6:>6.2f} MB")


def growth(small: Size, large: Size) -> None:
    """Each page's ratio to the bare route at both sizes, and how its p50 grew."""
    print(f"\n== growth from {small.entries:,} to {large.entries:,} entries ==\n"
          f"  growth: p50 at {large.entries:,} over p50 at {small.entries:,}; "
          f"x bare growth: the ratio to the bare route at {large.entries:,} over that at "
          f"{small.entries:,}")
    head_small, head_large = f"x bare {small.entries:,}", f"x bare {large.entries:,}"
    print(f"  {'page':<40} {head_small:>15} {head_large:>15} {'growth':>8} "
          f"{'x bare growth':>14}")
    keys = [*small.paths, *(key + " (1 client)" for key in (BARE, *ONE_CLIENT)), *DOWNLOADS]
    for key in keys:
        before, after = ratio(small, key), ratio(large, key)
        grew = large.results[key].p50 / small.results[key].p50
        label = key + (" first byte" if key in DOWNLOADS else "")
        print(f"  {label:<40} {before:>14.1f}x {after:>14.1f}x {grew:>7.1f}x "
              f"{after / before:>13.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n\n".join(__doc__.split("\n\n")[2:]))
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes("1000:2,100000:10"),
                        help="ENTRIES[:YEARS],... (default 1000:2,100000:10)")
    load = parser.add_mutually_exclusive_group()
    load.add_argument("--duration", type=float, help="seconds per page and pass (default 5)")
    load.add_argument("--requests", type=int, help="requests per page and pass, instead")
    parser.add_argument("--downloads", type=int, default=10,
                        help="sequential requests for each download's time to first byte")
    parser.add_argument("--checkout", type=Path, default=ROOT,
                        help="the checkout whose code and .venv serve (default: this one)")
    parser.add_argument("--keep", action="store_true", help="keep the databases and logs")
    options = parser.parse_args()
    if any(value is not None and value <= 0
           for value in (options.duration, options.requests, options.downloads)):
        parser.error("--duration, --requests and --downloads must be above 0")
    if options.requests is None and options.duration is None:
        options.duration = 5.0
    # Ctrl-C and kill stop the servers and remove the folder (even when started in the
    # background, where a shell ignores Ctrl-C for its children).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    top = Path(tempfile.mkdtemp(prefix="journal-pages-"))
    try:
        checkout = Checkout(options.checkout.resolve())
        driver = Driver(options.duration, options.requests)
        print(f"serving: {checkout.describe()}\ndriver: {driver.describe(CLIENTS)}; "
              f"{os.cpu_count()} cores; {uptime()}")
        sizes = []
        for entries, years in options.sizes:
            folder = top / f"{entries}-entries"
            folder.mkdir()
            sizes.append(measure(checkout, driver, folder, entries, years, options.downloads))
            report(sizes[-1])
        if len(sizes) > 1:
            growth(sizes[0], sizes[-1])
    except BenchError as error:
        sys.exit(f"stopped: {error}")
    except KeyboardInterrupt:
        sys.exit("interrupted")
    finally:
        if options.keep:
            print(f"kept: {top}")
        else:
            shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    main()
