"""Insights page speed at 100,000 entries, against the entry list as a baseline.

    .venv/bin/python bench/insights.py [--entries 100000] [--runs 30]

Builds a throwaway SQLite database (migrated, one user, ``demo-data`` over two years,
plus a reframe a day for the last year so the belief chart has data), signs in, and
times whole requests of ``/insights/`` for each range and of ``/entries/`` (the
baseline, measured in the same run).
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "journal"]
PASSWORD = "a long bench passphrase"  # noqa: S105 - a throwaway database


def prepare(folder: Path, entries: int) -> None:
    env = {**os.environ, "JOURNAL_DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
           "JOURNAL_SECRET_KEY": secrets.token_urlsafe(48)}
    for command, stdin in ((["db", "upgrade"], None),
                           (["create-user", "bench", "--password-stdin"], PASSWORD + "\n"),
                           (["demo-data", "--user", "bench", "--entries", str(entries),
                             "--seed", "1", "--password-stdin"], PASSWORD + "\n")):
        subprocess.run([*FLASK, *command], cwd=ROOT, env=env, input=stdin, text=True,
                       check=True, capture_output=True)
    os.environ.update(env)


def add_reframes(user) -> None:
    from journal.entries.services import create_entry
    from journal.extensions import db

    now = datetime.now(UTC)
    for days_ago in range(365):
        create_entry(user, title=None, body="", tags=[("doubt", "doubt")],
                     created_at=now - timedelta(days=days_ago, hours=3),
                     reframe={"happened": "A review went badly", "critic": "I am slow",
                              "belief_before": 6 + days_ago % 4, "belief_after": 2 + days_ago % 3})
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        prepare(Path(folder), args.entries)
        sys.path.insert(0, str(ROOT))
        from sqlalchemy import select

        from journal import create_app
        from journal.extensions import db
        from journal.models import User

        app = create_app({"WTF_CSRF_ENABLED": False})
        with app.app_context():
            add_reframes(db.session.scalar(select(User)))
            db.session.remove()
        client = app.test_client()
        client.post("/auth/login", data={"username": "bench", "password": PASSWORD})
        print(f"{'page':<26} {'median':>9} {'p90':>9} {'max':>9}")
        for url in ("/entries/", "/insights/?range=30", "/insights/?range=90",
                    "/insights/?range=365", "/insights/?range=all"):
            assert client.get(url).status_code == 200, url
            samples = []
            for _ in range(args.runs):
                started = time.perf_counter()
                client.get(url).get_data()
                samples.append((time.perf_counter() - started) * 1000)
            samples.sort()
            print(f"{url:<26} {statistics.median(samples):>7.1f}ms "
                  f"{samples[int(0.9 * (len(samples) - 1))]:>7.1f}ms {samples[-1]:>7.1f}ms")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
