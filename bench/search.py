"""Search speed at 100,000 entries: the search call and the whole page, per word, against
a LIKE scan and the entry list, in one run.

    .venv/bin/python bench/search.py [--entries 100000] [--runs 50] [--database PATH]
                                     [--url postgresql+psycopg://...]

Builds a throwaway SQLite database (migrated, one user, ``demo-data``), or reuses the one
at ``--database`` (building it there first when it does not exist, so several runs and
several versions of the code can be timed on the same data); ``--url`` does the same
with any database, PostgreSQL's for one. Picks a rare, a medium and a common word from
the index's own vocabulary, then times for each:

- ``search``: the search service (the call the search page makes: choosing the order,
  ranking, filtering and snippets for the first page of 20);
- ``page``: the whole request of ``/search?q=...`` through the Flask test client,
  signed in;
- ``LIKE``: a scan over the same fields returning the same page, for comparison.

Then the page with filters on the common word and the most common tag, the second
page, and ``/entries/`` (a plain page of 20 entries) as the baseline. Prints the
median and p99 of each, and the order the results came in.
"""

import argparse
import logging
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "journal"]
PASSWORD = "a long bench passphrase"  # noqa: S105 - a throwaway database


def prepare(url: str, entries: int) -> None:
    """Migrate the database at ``url`` and fill it, unless it already holds the bench's
    user (then it is reused as it is)."""
    from sqlalchemy import create_engine, inspect, text

    env = {**os.environ, "JOURNAL_DATABASE_URL": url,
           "JOURNAL_SECRET_KEY": os.environ.get("JOURNAL_SECRET_KEY")
           or secrets.token_urlsafe(48)}
    engine = create_engine(url)
    with engine.connect() as connection:
        filled = inspect(connection).has_table("users") and connection.scalar(
            text("SELECT count(*) FROM users WHERE username = 'bench'"))
    engine.dispose()
    if filled:
        print(f"reusing {url}")
    else:
        subprocess.run([*FLASK, "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        subprocess.run([*FLASK, "create-user", "bench", "--password-stdin"], cwd=ROOT,
                       env=env, input=PASSWORD + "\n", text=True, check=True,
                       capture_output=True)
        started = time.perf_counter()
        subprocess.run([*FLASK, "demo-data", "--user", "bench", "--entries", str(entries),
                        "--seed", "1", "--password-stdin"], cwd=ROOT, env=env,
                       input=PASSWORD + "\n", text=True, check=True, capture_output=True)
        print(f"demo-data: {entries:,} entries indexed in "
              f"{time.perf_counter() - started:.1f} s")
        if not url.startswith("sqlite"):  # as autovacuum would soon after a bulk load
            with engine.connect() as connection:
                connection.execute(text("ANALYZE"))
                connection.commit()
            engine.dispose()
    os.environ.update(env)


def pick_words(connection) -> dict[str, tuple[str, int]]:
    """A rare, a medium and a common word, with the number of entries holding each."""
    from sqlalchemy import text

    if connection.dialect.name == "sqlite":
        connection.execute(text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.bench_vocab "
            "USING fts5vocab(main, entries_fts, 'row')"))
        vocabulary = "SELECT term, doc FROM temp.bench_vocab"
    else:
        vocabulary = ("SELECT word AS term, ndoc AS doc "
                      "FROM ts_stat('SELECT document FROM search_documents')")
    rows = connection.execute(text(
        f"SELECT term, doc FROM ({vocabulary}) AS vocabulary "  # noqa: S608 - fixed text
        "WHERE length(term) >= 4 ORDER BY doc, term")).all()
    total = max(doc for _, doc in rows)
    rare = next((term, doc) for term, doc in rows if doc >= 3)
    medium = min(rows, key=lambda row: abs(row[1] - total * 0.02))
    common = rows[-1]
    return {"rare": rare, "medium": medium, "common": common}


def common_tag(connection) -> tuple[str, int]:
    """The tag on the most entries, with how many."""
    from sqlalchemy import text

    return tuple(connection.execute(text(
        "SELECT t.name, count(*) AS n FROM entry_tags et JOIN tags t ON t.id = et.tag_id "
        "GROUP BY t.name ORDER BY n DESC LIMIT 1")).one())


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


def shown(samples: list[float] | None) -> str:
    if not samples:
        return f"{'':>9} {'':>8}"
    return f"{statistics.median(samples):>7.1f}ms {p99(samples):>6.1f}ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--database", type=Path,
                        help="a SQLite file to reuse (built there when missing)")
    parser.add_argument("--url", help="a database URL to use instead, PostgreSQL's for "
                                      "one (filled when it has no bench user)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        database = args.database or Path(folder) / "bench.sqlite3"
        prepare(args.url or f"sqlite:///{database.resolve()}", args.entries)
        sys.path.insert(0, str(ROOT))
        from sqlalchemy import or_, select

        from journal import create_app
        from journal.extensions import db
        from journal.models import Entry, Reframe, User
        from journal.ownership import owned
        from journal.search.service import search

        app = create_app({"WTF_CSRF_ENABLED": False})
        logging.getLogger("journal.request").setLevel(logging.WARNING)
        client = app.test_client()
        client.post("/auth/login", data={"username": "bench", "password": PASSWORD})

        def get(url: str) -> str:
            """A whole request in its own app context, as a server makes it."""
            with app.app_context():
                response = client.get(url)
                assert response.status_code == 200, url
                return response.get_data(as_text=True)

        def page(query: str, number: int = 1) -> list[float]:
            url = "/search?" + urlencode({"q": query, **({"page": number} if number > 1 else {})})
            return timings(lambda: get(url), args.runs)

        with app.test_request_context():  # reads, as a GET request makes them
            user = db.session.scalar(select(User).where(User.username == "bench"))
            connection = db.session.connection()
            owned_entries = db.session.scalar(
                select(db.func.count()).select_from(Entry).where(Entry.owner_id == user.id))
            words = pick_words(connection)
            tag, tagged = common_tag(connection)
            db.session.remove()
            print(f"{owned_entries:,} entries; the most common tag is {tag!r} ({tagged:,})")

            def order_of(query: str) -> str:
                results = search(user, query)
                order = getattr(results, "order", None)
                if order is None:  # before the page said how it orders
                    return "relevance" if results.parsed.has_text else "newest"
                return str(getattr(order, "value", order))

            print(f"{'case':<10} {'query':<24} {'entries':>8} {'search p50':>11} {'p99':>8} "
                  f"{'page p50':>9} {'p99':>8} {'LIKE p50':>9} {'p99':>8}  order")
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
                db.session.remove()
                print(f"{label:<10} {word:<24} {holding:>8,} {shown(found)} "
                      f"{shown(page(word))} {shown(scanned)}  {order_of(word)}")
                db.session.remove()

            common, rare = words["common"][0], words["rare"][0]
            medium = words["medium"][0]
            cases = {"filters": [f"{common} is:win", f"{common} -{medium}", f"-{common}",
                                 f"{common} after:2025-06-01", f"tag:{tag}",
                                 f"{common} tag:{tag}", f"{rare} tag:{tag}",
                                 f"{common} {medium}"]}
            for label, queries in cases.items():
                for query in queries:
                    found = timings(lambda q=query: search(user, q), args.runs)
                    db.session.remove()
                    print(f"{label:<10} {query:<24} {'':>8} {shown(found)} "
                          f"{shown(page(query))} {shown(None)}  {order_of(query)}")
                    db.session.remove()
            for query in (common, medium):
                print(f"{'page 2':<10} {query:<24} {'':>8} {shown(None)} "
                      f"{shown(page(query, 2))}")
            listing = timings(lambda: get("/entries/"), args.runs)
            print(f"{'baseline':<10} {'/entries/':<24} {'':>8} {shown(None)} {shown(listing)}")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
