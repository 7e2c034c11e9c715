"""``flask --app journal import FILE --user NAME``: the import page's work from a terminal,
for files too large to upload, with a progress bar; and ``flask --app journal jobs``, a
job runner of its own for deployments that keep it out of the web processes.

The command imports as a job (:mod:`journal.imports.jobs`) that it runs itself: short
transactions, the entries hidden until the last batch. An encrypted journal is opened
with its owner's password (asked for without echo, or read from standard input), or
with its recovery key: the data key is held in the command's memory only, like a
signed-in request's. Should the command be stopped, the job waits, its progress kept,
and continues at the owner's next visit to the import page."""

import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask.cli import with_appcontext

from journal.auth.keys import open_with_recovery_key, unlock_with_password
from journal.auth.passwords import verify_password
from journal.auth.queries import find_user
from journal.crypto import keyring
from journal.crypto.keys import WrongKey
from journal.crypto.recovery import MistypedRecoveryKey
from journal.extensions import db
from journal.imports import readers
from journal.imports.forms import DATE_UNDATED, DETECT, SKIP_UNDATED
from journal.imports.jobs import queue_file, run_job, unfinished_job, work_available
from journal.imports.preview import describe
from journal.imports.runner import POLL_SECONDS, worker_name
from journal.imports.services import plan_import
from journal.models import ImportJob, User
from journal.models.imports import DONE
from journal.timezones import default_timezone_name, is_valid_timezone, to_local
from journal.transfer.document import FORMATS, ImportProblem


def _day(moment, user: User) -> str:
    return to_local(moment, user).date().isoformat()


def _echo_preview(preview, user: User) -> None:
    click.echo(f"Read {preview.filename} as {preview.format_label}: "
               f"{preview.in_file:,} entries in the file.")
    click.echo(f"  to add: {preview.new:,}   already in the journal: {preview.already_here:,}")
    for sentence in (preview.among_new, preview.repeated):
        if sentence:
            click.echo(f"  {sentence}")
    if preview.new:
        click.echo(f"  written from {_day(preview.first, user)} to {_day(preview.last, user)}")
        shown = ", ".join(f"{name} ({count:,}{', new' if new else ''})"
                          for name, count, new in preview.tags[:10])
        if shown:
            more = len(preview.tags) - 10 + preview.more_tags
            click.echo(f"  tags: {shown}" + (f" and {more} more" if more > 0 else ""))
        for moment, title in preview.titles[:5]:
            click.echo(f"  {_day(moment, user)}  {title}")
    if preview.new_prompts:
        click.echo(f"  own prompts to add: {preview.new_prompts}")
    if preview.timezone_change:
        click.echo(f"  the account's time zone becomes {preview.timezone_change}")
    for note in preview.notes:
        click.echo(f"  note: {note}")
    if preview.undated:
        what = ("dated by when each file was last changed" if preview.dated_too else
                "left out (--undated modified dates them by their files)")
        click.echo(f"  without a date, {what}:")
        for name, modified in preview.undated[:10]:
            click.echo(f"    {name} (last changed {_day(modified, user)})")
        if len(preview.undated) > 10:
            click.echo(f"    and {len(preview.undated) - 10:,} more")


def _open_journal(user: User, *, from_stdin: bool, recovery: bool) -> None:
    """Hold ``user``'s data key in this command, from their password or recovery key;
    a ClickException (nothing changed) when it does not open. An account without keys
    has nothing to open."""
    if keyring.public_key(user.id) is None:
        return
    # End the read before waiting at a prompt: on SQLite the command's transaction holds
    # the write lock, and the running site must not queue behind someone typing.
    db.session.rollback()
    name = user.display_name
    what = "Recovery key" if recovery else "Password"
    typed = (sys.stdin.readline().rstrip("\r\n") if from_stdin
             else click.prompt(f"{what} of {name}", hide_input=True))
    refused = "Nothing was imported."
    if recovery:
        try:
            open_with_recovery_key(user, typed)
        except MistypedRecoveryKey as problem:
            raise click.ClickException(f"That is not a recovery key: {problem} {refused}"
                                       ) from None
        except WrongKey:
            raise click.ClickException(f"That recovery key does not open {name}'s journal. "
                                       f"{refused}") from None
        return
    if not verify_password(user.password_hash, typed):
        raise click.ClickException(f"That is not the password of {name}. {refused}")
    if unlock_with_password(user, typed) is None:
        raise click.ClickException(f"The password of {name} no longer opens their journal "
                                   f"(it was reset): use --recovery-key. {refused}")


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True, help="The existing account to import into.")
@click.option("--format", "fmt", type=click.Choice([DETECT, *FORMATS]), default=DETECT,
              show_default=True, help="The file's format; detect recognises it.")
@click.option("--timezone", "zone_name", default=None,
              help="Zone for times written without one (jrnl, some Markdown). "
                   "Default: the account's zone.")
@click.option("--undated", type=click.Choice([SKIP_UNDATED, DATE_UNDATED]),
              default=SKIP_UNDATED, show_default=True,
              help="Markdown files without a date: leave them out, or date them by when "
                   "each file was last changed in the zip.")
@click.option("--yes", is_flag=True, help="Import without asking after the preview.")
@click.option("--dry-run", is_flag=True, help="Show the preview and stop.")
@click.option("--password-stdin", is_flag=True,
              help="Read the account's password (or recovery key) from the first line of "
                   "standard input (for scripts).")
@click.option("--recovery-key", "recovery", is_flag=True,
              help="Open the journal with its recovery key instead of the password.")
@with_appcontext
def import_command(path: Path, username: str, fmt: str, zone_name: str | None,
                   undated: str, yes: bool, dry_run: bool, password_stdin: bool,
                   recovery: bool) -> None:
    """Import the entries in PATH into an account: the preview first, then everything in
    one transaction. Entries already in the journal are left out. An encrypted journal
    is opened with the account's password, asked for without echo."""
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"There is no account named {username!r}.")
    zone_name = zone_name or user.timezone or default_timezone_name()
    if not is_valid_timezone(zone_name):
        raise click.BadParameter(f"{zone_name!r} is not a time zone name such as "
                                 "Europe/Berlin.", param_hint="--timezone")
    running = unfinished_job(user)
    if running is not None:
        raise click.ClickException(
            f"An earlier import into this account is not finished ({running.done:,} of "
            f"{running.total:,} entries). It continues when {user.display_name} opens the "
            "import page signed in. Nothing was imported.")
    try:
        journal = readers.read_journal(path.read_bytes(), filename=path.name,
                                       format=None if fmt == DETECT else fmt,
                                       zone=ZoneInfo(zone_name))
        _open_journal(user, from_stdin=password_stdin, recovery=recovery)
        plan = plan_import(user, journal, date_undated=undated == DATE_UNDATED)
    except ImportProblem as problem:
        raise click.ClickException(f"Nothing was imported. {problem}") from None
    _echo_preview(describe(plan, path.name), user)
    # End the read before waiting at a prompt: on SQLite the command's transaction holds
    # the write lock, and the running site must not queue behind someone reading.
    db.session.rollback()
    if dry_run:
        click.echo("Dry run: nothing was imported.")
        return
    if not yes:
        if not sys.stdin.isatty():
            raise click.ClickException("Add --yes to import without a terminal to confirm in.")
        click.confirm("Import these entries?", abort=True)

    started = time.perf_counter()
    worker = worker_name()
    job_id = queue_file(user, filename=path.name, fmt=journal.format, timezone=zone_name,
                        data=path.read_bytes(), date_undated=undated == DATE_UNDATED,
                        worker=worker).id
    db.session.commit()
    with click.progressbar(length=len(plan.new_entries), label="Importing",
                           file=sys.stderr) as bar:
        state = run_job(job_id, worker, progress=bar.update)
    job = db.session.get(ImportJob, job_id)
    if state != DONE:
        raise click.ClickException(job.reason or "The import was cancelled. Nothing was imported.")
    click.echo(f"{job.summary.replace('your journal', 'the journal')} "
               f"({time.perf_counter() - started:.1f} s)")


@click.command("jobs")
@click.option("--once", is_flag=True, help="Run the jobs waiting now, then stop.")
@with_appcontext
def jobs_command(once: bool) -> None:
    """Run import jobs, claimed from the database with a lease, so any number of
    these (and the web processes' own runners) can share the work. This command holds
    no journal's key: it removes what cancelled or failed imports wrote and imports
    into accounts without keys; an encrypted journal's import runs in the web process
    its owner's request reached."""
    worker = worker_name()
    while True:
        count = work_available(worker)
        if count:
            click.echo(f"Ran {count} import job{'s' if count != 1 else ''}.")
        if once:
            return
        time.sleep(POLL_SECONDS)
