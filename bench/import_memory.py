"""Import memory: how much a worker grows while it reads the largest files it accepts.

    .venv/bin/python bench/import_memory.py [--mib 64] [--only NAME ...]

Writes each file to a temporary folder: the largest upload the import page accepts
(``IMPORT_MAX_BYTES``, 64 MiB by default) as this journal's JSON, jrnl JSON, a Day One
zip and a zip of Markdown files, plus files built to exhaust a reader: a YAML alias
bomb, a million tag records, a million jrnl entries and a million tags on one entry.
Each is then read in a fresh Python process along the path an upload takes on the
web (read the file, compare it with the account, describe the preview), and that
process reports its resident memory before (with the upload's bytes already in
memory) and at its peak (VmRSS and VmHWM of /proc/self/status). Growth is the peak
less the start; the ratio is growth over the file's size. A file the journal refuses
says so, with its message.
"""

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MiB = 1024 * 1024
WORDS = ("ship", "value", "story", "evidence", "customer", "bug", "launch", "review",
         "doubt", "fix", "thanks", "team", "retro", "plan", "release", "metric", "learn",
         "tomorrow", "again", "small", "step", "good", "enough")


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def moment(number: int) -> datetime:
    return datetime(2000, 1, 1, tzinfo=UTC) + timedelta(hours=7 * number)


def fill(limit: int, make, wrap) -> bytes:
    """``wrap(items)`` as JSON bytes, with as many ``make(n)`` items as fit ``limit``."""
    probe = [make(n) for n in range(200)]
    each = len(json.dumps(probe).encode()) / len(probe)
    count = int((limit - 4096) / each)
    while True:
        data = json.dumps(wrap([make(n) for n in range(count)])).encode()
        if len(data) <= limit:
            return data
        count = int(count * limit / len(data) * 0.995)


def ours_entry(rng: random.Random):
    def make(number: int) -> dict:
        created = moment(number).isoformat().replace("+00:00", "Z")
        return {"id": number + 1, "created_at": created, "updated_at": created,
                "title": sentence(rng, 5), "body": sentence(rng, 90), "starred": False,
                "kind": "note", "tags": [rng.choice(WORDS), f"work/{rng.choice(WORDS)}"],
                "reframe": None, "win": None, "prompt": None}
    return make


def ours_document(entries: list, tags: list | None = None) -> dict:
    return {"format": "journal-export", "version": 1, "exported_at": "2025-01-01T00:00:00Z",
            "settings": {"timezone": "UTC"}, "hidden_prompts": [], "prompts": [],
            "tags": tags or [], "entries": entries}


def jrnl_entry(rng: random.Random):
    def make(number: int) -> dict:
        at = moment(number)
        return {"date": at.strftime("%Y-%m-%d"), "time": at.strftime("%H:%M"),
                "title": sentence(rng, 5), "body": sentence(rng, 90),
                "tags": [f"@{rng.choice(WORDS)}"], "starred": False}
    return make


def bare_entry(number: int) -> dict:
    """A jrnl entry with a date and nothing else."""
    at = moment(number)
    return {"date": at.strftime("%Y-%m-%d"), "time": at.strftime("%H:%M")}


def dayone_entry(rng: random.Random):
    def make(number: int) -> dict:
        at = moment(number).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {"uuid": f"{number:032X}", "creationDate": at, "modifiedDate": at,
                "timeZone": "UTC", "text": sentence(rng, 95), "starred": False,
                "tags": [rng.choice(WORDS)]}
    return make


def stored_zip(files) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()


def dayone_zip(limit: int, rng: random.Random) -> bytes:
    """A Day One export of ``limit`` bytes in all: journal files of up to 32 MiB,
    stored (the entries' text would pack tighter than a real export's)."""
    members, left = [], limit - 64 * 1024
    while left > 1024 * 1024:
        size = min(left, 32 * MiB)
        members.append((f"Journal {len(members) + 1}.json",
                        fill(size, dayone_entry(rng),
                             lambda items: {"metadata": {"version": "1.0"}, "entries": items})))
        left -= len(members[-1][1]) + 200
    return stored_zip(members)


def markdown_zip(limit: int, rng: random.Random) -> bytes:
    files, size, number = [], 0, 0
    while True:
        at = moment(number)
        text = (f"---\ndate: {at.strftime('%Y-%m-%d %H:%M')}\ntitle: {sentence(rng, 5)}\n"
                f"tags: [{rng.choice(WORDS)}, work]\n---\n\n{sentence(rng, 600)}\n")
        name = f"notes/{at.strftime('%Y-%m-%d-%H%M')}.md"
        if size + len(text) + 2 * len(name) + 200 > limit - 64 * 1024:
            break
        files.append((name, text))
        size += len(text) + 2 * len(name) + 100
        number += 1
    return stored_zip(files)


def alias_bomb() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    lines.append("date: *i")
    return stored_zip([("2024-01-01-bomb.md", "---\n" + "\n".join(lines) + "\n---\nBody.\n")])


def files(limit: int) -> dict[str, tuple[str, bytes]]:
    """name -> (file name, bytes), each made on demand."""
    rng = random.Random(1)
    million = 1_000_000
    return {
        "ours": lambda: ("journal.json", fill(limit, ours_entry(rng), ours_document)),
        "jrnl": lambda: ("jrnl.json", fill(limit, jrnl_entry(rng),
                                           lambda items: {"tags": {}, "entries": items})),
        "dayone": lambda: ("dayone.zip", dayone_zip(limit, rng)),
        "markdown": lambda: ("notes.zip", markdown_zip(limit, rng)),
        "alias-bomb": lambda: ("bomb.zip", alias_bomb()),
        "million-tag-records": lambda: ("tags.json", json.dumps(ours_document(
            [], [{"name": f"t{n}", "display_name": f"t{n}", "created_at": None}
                 for n in range(million)])).encode()),
        "million-jrnl-entries": lambda: ("many.json", json.dumps(
            {"tags": {}, "entries": [bare_entry(n) for n in range(million)]}).encode()),
        "200k-bare-entries": lambda: ("bare.json", json.dumps(
            {"tags": {}, "entries": [bare_entry(n) for n in range(200_000)]}).encode()),
        "million-tags-one-entry": lambda: ("one.json", json.dumps({"tags": {}, "entries": [
            {"date": "2024-01-01", "time": "09:00", "title": "", "body": "",
             "tags": [f"@t{n}" for n in range(million)]}]}).encode()),
    }


def measure(path: Path, filename: str, whole: bool = False) -> dict:
    """Read ``path`` in a fresh process (with ``whole``, import it as a job does); its
    figures as a dict."""
    result = subprocess.run([sys.executable, __file__, "--child", str(path), filename,
                             "whole" if whole else "read"],
                            cwd=ROOT, capture_output=True, text=True, check=False,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1:]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def memory(field: str) -> int:
    """A figure of /proc/self/status in bytes: VmRSS now, VmHWM the peak. (The peak
    ``getrusage`` gives is no use here: Linux carries it over from the parent.)"""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise LookupError(field)


def reset_peak() -> None:
    """Start the peak (VmHWM) again from the memory in use now."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")


def child(path: str, filename: str, mode: str) -> None:
    """Runs in the fresh process: the upload's path through the reader and preview, or
    with ``mode`` "whole" the import job that writes the file's entries."""
    sys.path.insert(0, str(ROOT))
    from zoneinfo import ZoneInfo

    from flask_migrate import upgrade

    from journal import create_app
    from journal.auth.services import create_user
    from journal.extensions import db
    from journal.imports import readers
    from journal.imports.preview import describe
    from journal.imports.services import plan_import
    from journal.transfer.document import ImportProblem

    folder = Path(tempfile.mkdtemp())
    cheap = {f"{setting}_{cost}": value for setting in ("PASSWORD_HASH", "KEY_DERIVATION")
             for cost, value in (("TIME_COST", 1), ("MEMORY_COST", 8), ("PARALLELISM", 1))}
    app = create_app({"TESTING": True, "SECRET_KEY": "bench" * 8, **cheap,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}"})
    with app.app_context():
        upgrade()
        # an encrypted account, its key held here as a job holds it
        user = create_user("bench", "a long bench passphrase")
        db.session.commit()
        data = Path(path).read_bytes()
        if mode == "whole":
            print(json.dumps(whole_import(user, data, filename)))
            return
        reset_peak()
        before = memory("VmRSS")
        started = time.perf_counter()
        outcome = "read"
        try:
            journal = readers.read_journal(data, filename=filename, format=None,
                                           zone=ZoneInfo("UTC"))
            preview = describe(plan_import(user, journal), filename)
            outcome = f"read: {preview.in_file:,} entries"
        except ImportProblem as problem:
            outcome = f"refused: {str(problem)[:160]}"
        seconds = time.perf_counter() - started
        peak = memory("VmHWM")
    print(json.dumps({"size": len(data), "growth": max(0, peak - before), "seconds": seconds,
                      "outcome": outcome}))


def whole_import(user, data: bytes, filename: str) -> dict:
    """Import ``data`` into ``user``'s journal as the web's job runner does: a job read,
    planned and written in batches by one worker."""
    from zoneinfo import ZoneInfo

    from journal.extensions import db
    from journal.imports import readers
    from journal.imports.jobs import queue_file, run_job
    from journal.transfer.document import ImportProblem

    try:
        fmt = readers.read_journal(data, filename=filename, format=None,
                                   zone=ZoneInfo("UTC")).format
    except ImportProblem as problem:
        return {"size": len(data), "growth": 0, "seconds": 0.0,
                "outcome": f"refused: {str(problem)[:160]}"}
    job = queue_file(user, filename=filename, fmt=fmt, timezone="UTC", data=data,
                     date_undated=False, worker="bench")
    db.session.commit()
    job_id = job.id
    reset_peak()
    before = memory("VmRSS")
    started = time.perf_counter()
    state = run_job(job_id, "bench")
    seconds = time.perf_counter() - started
    peak = memory("VmHWM")
    return {"size": len(data), "growth": max(0, peak - before), "seconds": seconds,
            "outcome": f"imported: job {state}"}


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=64, help="the largest upload, in MiB")
    parser.add_argument("--only", nargs="*", help="measure only these files")
    parser.add_argument("--whole", action="store_true",
                        help="import each file as a job does, not only read it")
    options = parser.parse_args()
    makers = files(options.mib * MiB)
    print(f"{'file':<24} {'size':>9} {'growth':>9} {'ratio':>6} {'time':>7}  outcome")
    with tempfile.TemporaryDirectory() as folder:
        for name, make in makers.items():
            if options.only and name not in options.only:
                continue
            filename, data = make()
            path = Path(folder) / filename
            path.write_bytes(data)
            del data
            figures = measure(path, filename, whole=options.whole)
            path.unlink()
            if "error" in figures:
                print(f"{name:<24} failed: {figures['error']}")
                continue
            size, growth = figures["size"], figures["growth"]
            ratio = f"{growth / size:.1f}" if size >= MiB else "-"
            print(f"{name:<24} {size / MiB:>7.1f}MB {growth / MiB:>7.0f}MB "
                  f"{ratio:>6} {figures['seconds']:>6.1f}s  {figures['outcome']}", flush=True)


if __name__ == "__main__":
    main()
