"""Backups of the SQLite file: one consistent copy at a time, safely while the site
runs, the newest few kept."""

import os
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from journal.operations.common import OperationError, open_sqlite

BACKUP_NAME = re.compile(r"journal-(\d{8})-(\d{6})(?:-(\d+))?\.sqlite3")


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    seconds: float
    removed: tuple[Path, ...]


def backup_sqlite(database: Path, folder: Path, *, keep: int,
                  now: datetime | None = None) -> Backup:
    """Copy ``database`` to ``folder/journal-YYYYMMDD-HHMMSS.sqlite3`` (UTC; a ``-2``,
    ``-3``... suffix when that second is taken), check the copy, then keep only the
    newest ``keep`` backups in ``folder``.

    SQLite's online backup copies the whole file in one step inside a read transaction:
    the copy is the database as of one moment, and in WAL mode the site keeps writing
    meanwhile (a reader never blocks a writer). The copy is written under a temporary
    name, made a single self-contained file (journal mode DELETE), passes
    ``PRAGMA integrity_check`` and only then gets its final name, so a backup file with
    the pattern's name is always complete. Files are readable by their owner only.
    """
    if keep < 1:
        raise OperationError("Keep at least one backup.")
    started = time.perf_counter()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = folder / f".journal-backup-{os.getpid()}-{secrets.token_hex(4)}.partial"
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        _copy_database(database, partial)
        final = _claim_name(folder, now or datetime.now(UTC))
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    removed = prune_backups(folder, keep)
    return Backup(final, final.stat().st_size, time.perf_counter() - started, removed)


def _copy_database(database: Path, target: Path) -> None:
    source = open_sqlite(database)
    try:
        copy = sqlite3.connect(target, isolation_level=None)
        try:
            source.backup(copy)  # pages=-1: everything in one step, one snapshot
            copy.execute("PRAGMA journal_mode = DELETE")
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise OperationError("The copy failed its integrity check: "
                                     + "; ".join(problems[:5]))
        finally:
            copy.close()
    finally:
        source.close()
    with open(target, "rb") as handle:
        os.fsync(handle.fileno())


def _claim_name(folder: Path, moment: datetime) -> Path:
    """Reserve the backup's name: the first free of ``journal-<UTC second>.sqlite3``,
    ``...-2.sqlite3``, ``...-3.sqlite3``, created exclusively so two backups in the same
    second never overwrite each other."""
    stamp = moment.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    number = 1
    while True:
        name = f"journal-{stamp}.sqlite3" if number == 1 else f"journal-{stamp}-{number}.sqlite3"
        path = folder / name
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            number += 1
            continue
        return path


def backups_in(folder: Path) -> list[Path]:
    """The backup files in ``folder``, newest first. Only names this module writes
    count; anything else in the folder is left alone."""
    found = []
    for path in folder.iterdir():
        match = BACKUP_NAME.fullmatch(path.name)
        if match and path.is_file() and not path.is_symlink():
            day, second, number = match.groups()
            found.append(((day, second, int(number or 1)), path))
    return [path for _, path in sorted(found, reverse=True)]


def prune_backups(folder: Path, keep: int) -> tuple[Path, ...]:
    """Delete all but the newest ``keep`` backups; returns the deleted paths."""
    removed = tuple(backups_in(folder)[keep:])
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
