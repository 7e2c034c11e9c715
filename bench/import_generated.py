"""Import speed on a generated file: N entries of this journal's JSON through ``flask import``.

    .venv/bin/python bench/import_generated.py [--entries 10000] [--runs 3]

Writes one export document with every kind of thing an import stores: titles, bodies of
a few sentences, one to three of 60 tags (some nested), reframes (one entry in ten),
wins with the person's part (one in ten), own prompts and answers to them. A fresh
SQLite database and account take it with ``flask import --yes``; then the same file
again into the same account (every entry a duplicate). Times are whole commands,
Python's start-up included; the best of ``--runs`` is printed. The account is
encrypted, so the command reads its password from standard input.
"""

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "journal"]
PASSWORD = "a long bench passphrase"  # noqa: S105 - a throwaway database
WORDS = ("ship", "value", "story", "evidence", "customer", "bug", "launch", "review",
         "doubt", "fix", "thanks", "team", "retro", "plan", "release", "metric", "learn",
         "tomorrow", "again", "small", "step", "good", "enough")
TAGS = [f"area{n}" for n in range(40)] + [f"work/part{n}" for n in range(20)]
REFRAME_FIELDS = ("happened", "critic", "evidence_for", "evidence_against", "salesperson",
                  "in_control", "not_in_control", "next_step")


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def document(count: int) -> dict:
    rng = random.Random(1)
    start = datetime(2015, 1, 1, tzinfo=UTC)
    prompts = [{"ref": f"p{n}", "text": sentence(rng, 9)[:-1] + "?", "theme": "value",
                "why": sentence(rng, 12), "created_at": stamp(start)} for n in range(5)]
    entries = []
    for number in range(count):
        created = stamp(start + timedelta(hours=7 * number, minutes=number % 60))
        entry = {"id": number + 1, "created_at": created, "updated_at": created,
                 "title": sentence(rng, 5), "body": " ".join(sentence(rng, 12)
                                                             for _ in range(4)),
                 "starred": number % 17 == 0, "tags": sorted(set(rng.sample(TAGS,
                                                                     rng.randint(1, 3))))}
        if number % 10 == 3:
            entry["kind"] = "reframe"
            entry["reframe"] = {**{name: sentence(rng, 8) for name in REFRAME_FIELDS},
                                "belief_before": 7, "belief_after": 4}
        if number % 10 == 5:
            entry["win"] = {"marked": True, "part": sentence(rng, 10)}
        if number % 10 == 7:
            prompt = prompts[number % len(prompts)]
            entry["prompt"] = {"text": prompt["text"], "own": prompt["ref"]}
        entries.append(entry)
    return {"format": "journal-export", "version": 1, "exported_at": stamp(start),
            "prompts": prompts,
            "tags": [{"name": name, "display_name": name.title(), "created_at": stamp(start)}
                     for name in TAGS],
            "entries": entries}


def run(env: dict, *arguments: str, stdin: str | None = None) -> float:
    started = time.perf_counter()
    subprocess.run([*FLASK, *arguments], cwd=ROOT, env=env, input=stdin, text=True,
                   check=True, capture_output=True)
    return time.perf_counter() - started


def takes_password(env: dict) -> bool:
    shown = subprocess.run([*FLASK, "import", "--help"], cwd=ROOT, env=env, text=True,
                           check=True, capture_output=True).stdout
    return "--password-stdin" in shown


def one_run(count: int, path: Path, folder: Path) -> tuple[float, float]:
    env = {**os.environ, "JOURNAL_DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
           "JOURNAL_SECRET_KEY": secrets.token_urlsafe(48), "JOURNAL_DEFAULT_TIMEZONE": "UTC",
           "JOURNAL_IMPORT_RUNNER": "false"}
    run(env, "db", "upgrade")
    run(env, "create-user", "bench", "--password-stdin", stdin=PASSWORD + "\n")
    command = ["import", str(path), "--user", "bench", "--yes", "--timezone", "UTC"]
    stdin = None
    if takes_password(env):
        command.append("--password-stdin")
        stdin = PASSWORD + "\n"
    first = run(env, *command, stdin=stdin)
    again = run(env, *command, stdin=stdin)
    (folder / "bench.sqlite3").unlink()
    return first, again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = folder / "generated.json"
        path.write_text(json.dumps(document(arguments.entries)))
        runs = [one_run(arguments.entries, path, folder) for _ in range(arguments.runs)]
        print(f"{arguments.entries:,} entries, {path.stat().st_size / 1e6:.1f} MB; "
              f"best of {arguments.runs}")
        print(f"import: {min(first for first, _ in runs):.2f} s   "
              f"again (all duplicates): {min(again for _, again in runs):.2f} s")
        print("every run:", ", ".join(f"{first:.2f}/{again:.2f}" for first, again in runs))


if __name__ == "__main__":
    main()
