"""Import speed: 10,000 entries through ``flask import``, for each format.

    .venv/bin/python bench/import.py [--entries 10000]

Builds a throwaway SQLite database, fills an account with ``demo-data`` (the baseline:
the fastest way the journal has to add that many entries, bulk inserts and search
index included), exports it with ``flask export`` as our JSON, jrnl JSON and a Markdown
zip, and writes the same entries as a Day One export. Each file is then imported with
``flask import --yes`` into a fresh account (its password read from standard input),
and once more into the same account (every entry a duplicate). Times are whole
commands, Python's start-up included, and are printed with their ratio to the
demo-data baseline of the same run.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "journal"]
PASSWORD = "a long bench passphrase"  # noqa: S105 - a throwaway database


def run(env: dict, *arguments: str, stdin: str | None = None) -> float:
    started = time.perf_counter()
    subprocess.run([*FLASK, *arguments], cwd=ROOT, env=env, input=stdin, text=True,
                   check=True, capture_output=True)
    return time.perf_counter() - started


def new_user(env: dict, name: str) -> None:
    run(env, "create-user", name, "--password-stdin", stdin=PASSWORD + "\n")


def day_one_file(jrnl_path: Path, target: Path) -> None:
    """The jrnl export's entries as Day One writes them (UTC creation dates)."""
    document = json.loads(jrnl_path.read_text())
    entries = []
    for number, entry in enumerate(document["entries"]):
        moment = datetime.fromisoformat(f"{entry['date']}T{entry['time']}").replace(tzinfo=UTC)
        text = f"{entry['title']}\n{entry['body']}".strip()
        entries.append({"uuid": f"{number:032X}", "text": text,
                        "creationDate": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "modifiedDate": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "timeZone": "UTC", "starred": entry["starred"],
                        "tags": [tag.lstrip("@") for tag in entry["tags"]]})
    target.write_text(json.dumps({"metadata": {"version": "1.0"}, "entries": entries}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    count = parser.parse_args().entries

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        env = {**os.environ, "JOURNAL_DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
               "JOURNAL_SECRET_KEY": secrets.token_urlsafe(48), "JOURNAL_DEFAULT_TIMEZONE": "UTC"}
        run(env, "db", "upgrade")
        new_user(env, "source")
        baseline = run(env, "demo-data", "--user", "source", "--entries", str(count),
                       "--seed", "1", "--password-stdin", stdin=PASSWORD + "\n")
        files = {}
        for fmt, suffix in (("json", ".json"), ("jrnl", "-jrnl.json"),
                            ("markdown", "-markdown.zip")):
            files[fmt] = folder / f"export{suffix}"
            run(env, "export", "--user", "source", "--format", fmt, "--output",
                str(files[fmt]), "--password-stdin", stdin=PASSWORD + "\n")
        files["dayone"] = folder / "dayone.json"
        day_one_file(files["jrnl"], files["dayone"])

        print(f"{count:,} entries; baseline demo-data {baseline:.2f} s\n")
        print("| format | size | import | ratio | again (all duplicates) | ratio |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for fmt, path in files.items():
            user = f"to-{fmt}"
            new_user(env, user)
            command = ("import", str(path), "--user", user, "--yes", "--timezone", "UTC",
                       "--password-stdin")
            first = run(env, *command, stdin=PASSWORD + "\n")
            again = run(env, *command, stdin=PASSWORD + "\n")
            size = path.stat().st_size / 1e6
            print(f"| {fmt} | {size:.1f} MB | {first:.2f} s | {first / baseline:.2f} | "
                  f"{again:.2f} s | {again / baseline:.2f} |")


if __name__ == "__main__":
    main()
