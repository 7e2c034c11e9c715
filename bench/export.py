"""Export memory and speed at 10,000 and 100,000 entries: does memory stay flat?

    .venv/bin/python bench/export.py [--small 10000] [--large 100000]

Builds a throwaway SQLite database (migrated, two accounts filled with ``demo-data``:
one with the small number of entries, one with the large), signs each in, and streams
every export format through the test client. Each download is consumed twice: once
for the time it takes, once under tracemalloc for the peak memory allocated while it
streams. Prints a table and, per format, the ratio of the peak at the large size to
the peak at the small one: near 1 means memory does not grow with the journal.
"""

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "journal"]
PASSWORD = "a long bench passphrase"  # noqa: S105 - a throwaway database
FORMATS = ("json", "markdown", "jrnl")


def prepare(folder: Path, sizes: dict[str, int]) -> None:
    env = {**os.environ, "JOURNAL_DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
           "JOURNAL_SECRET_KEY": secrets.token_urlsafe(48)}
    subprocess.run([*FLASK, "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    for name, count in sizes.items():
        started = time.perf_counter()
        subprocess.run([*FLASK, "create-user", name, "--password-stdin"], cwd=ROOT, env=env,
                       input=PASSWORD + "\n", text=True, check=True, capture_output=True)
        subprocess.run([*FLASK, "demo-data", "--user", name, "--entries", str(count),
                        "--seed", "1", "--password-stdin"], cwd=ROOT, env=env,
                       input=PASSWORD + "\n", text=True, check=True, capture_output=True)
        print(f"demo-data: {count:,} entries for {name} in "
              f"{time.perf_counter() - started:.1f} s")
    os.environ.update(env)


def consume(client, url: str) -> int:
    """Read the streamed response to its end without keeping it; returns its size."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    size = 0
    try:
        for chunk in response.iter_encoded():
            size += len(chunk)
    finally:
        response.close()
    return size


def measure(client, url: str) -> tuple[int, float, int]:
    """(bytes, seconds, peak traced bytes) of one download."""
    started = time.perf_counter()
    size = consume(client, url)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    tracemalloc.reset_peak()
    consume(client, url)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return size, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()
    sizes = {"small": args.small, "large": args.large}

    with tempfile.TemporaryDirectory() as folder:
        prepare(Path(folder), sizes)
        sys.path.insert(0, str(ROOT))
        from journal import create_app
        from journal.extensions import db

        app = create_app({"WTF_CSRF_ENABLED": False})
        clients = {}
        for name in sizes:
            client = app.test_client()
            response = client.post("/auth/login", data={"username": name,
                                                         "password": PASSWORD})
            assert response.status_code == 302, name
            clients[name] = client

        print(f"\n{'format':<10} {'entries':>9} {'size':>10} {'time':>8} {'entries/s':>10} "
              f"{'peak memory':>12}")
        peaks: dict[str, dict[str, int]] = {}
        for fmt in FORMATS:
            for name, count in sizes.items():
                size, seconds, peak = measure(clients[name], f"/account/export/{fmt}")
                peaks.setdefault(fmt, {})[name] = peak
                print(f"{fmt:<10} {count:>9,} {size / 1e6:>8.1f}MB {seconds:>7.2f}s "
                      f"{count / seconds:>10,.0f} {peak / 1e6:>10.2f}MB")
        print(f"\npeak memory at {args.large:,} entries / at {args.small:,} entries "
              f"({args.large // args.small}x the entries):")
        for fmt, by_size in peaks.items():
            print(f"  {fmt:<10} {by_size['large'] / by_size['small']:.2f}")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
