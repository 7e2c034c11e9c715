"""Search in an encrypted journal: how long ``reindex --user`` takes, how large the index
grows, and how fast words, prefixes and phrases are found, in one run.

    .venv/bin/python bench/sealed_search.py [--entries 10000] [--runs 30] [--url URL]
                                            [--plain] [--fts-prefix]

Builds a throwaway database (SQLite, or the empty database at ``--url``), migrates it,
adds one account and fills it with entries composed as ``demo-data`` composes them,
sealed under the account's key as the journal stores them (``--plain``: an account
without keys, its rows plain). Then times ``flask --app journal reindex --user bench``
(the password read from standard input; plain: ``reindex``) as a separate process, prints
the index's size, and times the search service, each call in its own application context
holding the key as a signed-in request does, for a rare, a medium and a common word, a
prefix, a phrase, and a word with a filter. ``--fts-prefix`` gives the SQLite index
FTS5's own prefix indexes ('2 3') first, to see what they cost and what they bring.
Prints the median and p99 of each.
"""

import argparse
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FLASK = [sys.executable, "-m", "flask", "--app", "journal"]
PASSWORD = "a long bench passphrase"  # noqa: S105 - a throwaway database
BATCH = 2_000


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def fill(owner_id: int, count: int, sealed: bool) -> Counter:
    """Add ``count`` composed entries with their tags and reframes; returns in how many
    entries each word is."""
    from sqlalchemy import insert, update

    from journal.crypto import keyring
    from journal.crypto.rows import new_uid, seal_fields
    from journal.demo import compose_entry
    from journal.extensions import db
    from journal.fulltext.terms import words_of
    from journal.models import NOTE, REFRAME, Entry, EntryTag, Reframe, Tag
    from journal.tags.names import canonical_tag
    from journal.words import count_words

    rng = random.Random(1)
    connection = db.session.connection()
    tag_ids: dict[str, int] = {}
    tag_counts: Counter = Counter()
    frequency: Counter = Counter()
    now = datetime.now(UTC)

    def sealing(table: str, fields: dict, plain: dict) -> dict:
        if not sealed:
            return {**fields, "uid": None, "sealed": None}
        uid = new_uid()
        return {**plain, "uid": uid, "sealed": seal_fields(table, owner_id, uid, fields)}

    for start in range(0, count, BATCH):
        composed = [compose_entry(rng, progress=(start + offset) / count)
                    for offset in range(min(BATCH, count - start))]
        rows = []
        for offset, entry in enumerate(composed):
            created = now - timedelta(minutes=(count - start - offset) * 53)
            guided = [(entry.reframe or {}).get(name) for name in Reframe.TEXT_FIELDS]
            texts = [entry.title or "", entry.body, " ".join(entry.tags),
                     entry.win_part or "", *[text or "" for text in guided]]
            frequency.update(set(words_of(" ".join(texts))))
            rows.append({"owner_id": owner_id, "created_at": created, "updated_at": created,
                         "starred": entry.starred, "version": 1,
                         "kind": REFRAME if entry.reframe else NOTE, "is_win": entry.is_win,
                         "prompt_id": None,
                         "word_count": count_words(entry.body, entry.win_part, *guided),
                         **sealing("entries", {"title": entry.title, "body": entry.body,
                                               "prompt_text": None, "win_part": entry.win_part},
                                   {"title": None, "body": "", "prompt_text": None,
                                    "win_part": None})})
            for shown in entry.tags:
                name = canonical_tag(shown)
                tag_counts[name] += 1
                if name not in tag_ids:
                    tag_ids[name] = connection.execute(
                        insert(Tag.__table__).returning(Tag.__table__.c.id),
                        {"owner_id": owner_id, "created_at": created,
                         "name_key": keyring.blind(owner_id, keyring.TAG_NAMES, name),
                         **sealing("tags", {"name": name, "display_name": shown},
                                   {"name": None, "display_name": None})}).scalar_one()
        ids = connection.execute(insert(Entry.__table__).returning(Entry.__table__.c.id),
                                 rows).scalars().all()
        links = [{"entry_id": entry_id, "tag_id": tag_ids[canonical_tag(shown)]}
                 for entry_id, entry in zip(ids, composed, strict=True)
                 for shown in dict.fromkeys(entry.tags)]
        if links:
            connection.execute(insert(EntryTag.__table__), links)
        reframes = [{"entry_id": entry_id, **sealing(
            "reframes", entry.reframe,
            {**{name: "" for name in Reframe.TEXT_FIELDS}, "belief_before": None,
             "belief_after": None})}
            for entry_id, entry in zip(ids, composed, strict=True) if entry.reframe]
        if reframes:
            connection.execute(insert(Reframe.__table__), reframes)
    for name, tag_id in tag_ids.items():
        connection.execute(update(Tag.__table__).where(Tag.__table__.c.id == tag_id)
                           .values(entry_count=tag_counts[name]))
    return frequency


def index_size(connection) -> str:
    from sqlalchemy import text

    if connection.dialect.name == "sqlite":
        size = connection.scalar(text(
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'entries_fts%'"))
        content = connection.scalar(text(
            "SELECT sum(pgsize) FROM dbstat WHERE name = 'entries_fts_content'"))
        words, prefixes = connection.execute(text(
            "SELECT sum(length(title) + length(body) + length(tags) + length(extra)), "
            "sum(length(prefixes)) FROM entries_fts")).one()
        return (f"{size / 1e6:.1f} MB, of which the stored text {content / 1e6:.1f} MB "
                f"({words / 1e6:.1f} MB of words, {prefixes / 1e6:.1f} MB of prefixes)")
    size = connection.scalar(text("SELECT pg_total_relation_size('search_documents')"))
    return f"{size / 1e6:.1f} MB (table, TOAST and indexes)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--url", help="an empty database to use instead of a SQLite file")
    parser.add_argument("--plain", action="store_true",
                        help="an account without keys: plain rows, plain words")
    parser.add_argument("--fts-prefix", action="store_true",
                        help="give FTS5 its own prefix indexes first (SQLite)")
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from journal import create_app
    from journal.auth.services import create_user
    from journal.crypto import keyring
    from journal.extensions import db
    from journal.models import AccountKey, User
    from journal.search.service import search

    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        env = {**os.environ, "JOURNAL_DATABASE_URL": url,
               "JOURNAL_SECRET_KEY": secrets.token_urlsafe(48)}
        app = create_app({"SQLALCHEMY_DATABASE_URI": url,
                          "SECRET_KEY": env["JOURNAL_SECRET_KEY"]})
        with app.app_context():
            upgrade()
            if args.fts_prefix and db.engine.dialect.name == "sqlite":
                db.session.execute(text("DROP TABLE entries_fts"))
                db.session.execute(text(
                    "CREATE VIRTUAL TABLE entries_fts USING fts5(title, body, tags, extra, "
                    "prefixes, owner_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2', "
                    "prefix = '2 3')"))
            user = create_user("bench", PASSWORD)
            owner_id = user.id
            if args.plain:
                db.session.delete(db.session.get(AccountKey, owner_id))
                db.session.flush()
                keyring.forget(owner_id)
            started = time.perf_counter()
            frequency = fill(owner_id, args.entries, sealed=not args.plain)
            db.session.commit()
            print(f"{args.entries:,} {'plain' if args.plain else 'sealed'} entries written "
                  f"in {time.perf_counter() - started:.1f} s")
            data_key = keyring.data_key(owner_id)
            db.engine.dispose()

        command = [*FLASK, "reindex"] + ([] if args.plain else
                                         ["--user", "bench", "--password-stdin"])
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, input=PASSWORD + "\n", text=True,
                              capture_output=True, check=True)
        print(f"reindex: {time.perf_counter() - started:.1f} s in all "
              f"(unlock and start included); it says: {done.stdout.strip()}")

        with app.app_context():
            if db.engine.dialect.name != "sqlite":
                db.session.execute(text("ANALYZE"))
                db.session.commit()
            print(f"index: {index_size(db.session.connection())}")
            db.session.rollback()

        ranked = sorted((doc, word) for word, doc in frequency.items() if len(word) >= 4)
        rare = next(word for doc, word in ranked if doc >= 3)
        medium = min(ranked, key=lambda pair: abs(pair[0] - args.entries * 0.02))[1]
        common = ranked[-1][1]
        queries = [("rare", rare), ("medium", medium), ("common", common),
                   ("prefix", common[:3] + "*"), ("prefix", medium[:4] + "*"),
                   ("phrase", f'"{ranked[-1][1]} {ranked[-2][1]}"'),
                   ("filter", f"{rare} is:starred"), ("excluded", f"{medium} -{common}")]

        def once(query: str) -> tuple[float, object]:
            with app.app_context():  # as a request: its own session, the key granted
                if data_key is not None:
                    keyring.grant(owner_id, data_key)
                owner = db.session.scalar(select(User).where(User.id == owner_id))
                began = time.perf_counter()
                results = search(owner, query)
                return (time.perf_counter() - began) * 1000, results

        print(f"{'case':<9} {'query':<34} {'entries':>8} {'p50':>8} {'p99':>8}  order, hits")
        for label, query in queries:
            _, results = once(query)
            samples = [once(query)[0] for _ in range(args.runs)]
            holding = frequency.get(query.strip('"*').split()[0], "")
            print(f"{label:<9} {query:<34} {holding:>8} {statistics.median(samples):>6.1f}ms "
                  f"{p99(samples):>6.1f}ms  {results.order}, {len(results.hits)}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
