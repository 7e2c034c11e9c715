"""Search speed at 100,000 entries: full-text search against a LIKE scan, in one run.

    .venv/bin/python bench/search.py [--entries 100000] [--runs 50]

Builds a throwaway SQLite database (migrated, one user, ``demo-data``), picks a rare, a
medium and a common word from the index's own vocabulary, then times the search
service (the same call the search page makes: ranking, filtering and snippets for the
first page of 20) and a LIKE scan over the same fields returning the same page.
Prints the median and p99 of each, and how many times faster search is.
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "journal"]


def prepare(folder: Path, entries: int) -> dict:
    env = {**os.environ, "JOURNAL_DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
           "JOURNAL_SECRET_KEY": secrets.token_urlsafe(48)}
    subprocess.run([*FLASK, "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    subprocess.run([*FLASK, "create-user", "bench", "--password-stdin"], cwd=ROOT, env=env,
                   input="a long bench passphrase\n", text=True, check=True,
                   capture_output=True)
    started = time.perf_counter()
    subprocess.run([*FLASK, "demo-data", "--user", "bench", "--entries", str(entries),
                    "--seed", "1"], cwd=ROOT, env=env, check=True, capture_output=True)
    print(f"demo-data: {entries:,} entries indexed in {time.perf_counter() - started:.1f} s")
    return env


def pick_words(connection) -> dict[str, tuple[str, int]]:
    """A rare, a medium and a common word, with the number of entries holding each."""
    from sqlalchemy import text

    connection.execute(text(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.bench_vocab "
        "USING fts5vocab(main, entries_fts, 'row')"))
    rows = connection.execute(text(
        "SELECT term, doc FROM temp.bench_vocab WHERE length(term) >= 4 ORDER BY doc")).all()
    total = max(doc for _, doc in rows)
    rare = next((term, doc) for term, doc in rows if doc >= 3)
    medium = min(rows, key=lambda row: abs(row[1] - total * 0.02))
    common = rows[-1]
    return {"rare": rare, "medium": medium, "common": common}


def timings(call, runs: int) -> list[float]:
    call()  # warm caches
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        env = prepare(Path(folder), args.entries)
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        from sqlalchemy import or_, select

        from journal import create_app
        from journal.extensions import db
        from journal.models import Entry, Reframe, User
        from journal.ownership import owned
        from journal.search.service import search

        app = create_app()
        with app.test_request_context():  # reads, as a GET request makes them
            user = db.session.scalar(select(User))
            words = pick_words(db.session.connection())
            print(f"{'word':<8} {'':<14} {'entries':>8} {'search p50':>11} {'p99':>8} "
                  f"{'LIKE p50':>10} {'p99':>8} {'faster':>7}")
            for label, (word, holding) in words.items():
                found = timings(lambda w=word: search(user, w), args.runs)

                def scan(w=word):
                    """The same text the index holds: title, body, the user's part in a
                    win, the prompt answered, and a reframe's guided fields."""
                    pattern = f"%{w}%"
                    columns = [Entry.title, Entry.body, Entry.win_part, Entry.prompt_text,
                               *[getattr(Reframe, name) for name in Reframe.TEXT_FIELDS]]
                    return db.session.scalars(
                        owned(Entry, user).outerjoin(Reframe)
                        .where(or_(*[column.ilike(pattern) for column in columns]))
                        .order_by(Entry.created_at.desc()).limit(21)).all()

                scanned = timings(scan, args.runs)
                ratio = statistics.median(scanned) / statistics.median(found)
                print(f"{label:<8} {word:<14} {holding:>8,} {statistics.median(found):>9.1f}ms "
                      f"{p99(found):>6.1f}ms {statistics.median(scanned):>8.1f}ms "
                      f"{p99(scanned):>6.1f}ms {ratio:>6.1f}x")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
