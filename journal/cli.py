"""Flask commands: ``flask --app journal <command>``.

``create-user`` adds an account from a terminal; ``demo-data`` fills an account with
realistic entries for trying the app out and for measuring it.
"""

import sys
import time
from collections import Counter
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from journal.auth.keys import open_with_recovery_key, unlock_with_password
from journal.auth.passwords import password_problem
from journal.auth.queries import find_user
from journal.auth.services import create_user, reset_password
from journal.auth.usernames import username_problem
from journal.crypto import keyring
from journal.crypto.keys import WrongKey
from journal.crypto.recovery import MistypedRecoveryKey
from journal.demo import DEFAULT_YEARS, MAX_YEARS, insert_demo_entries
from journal.exports.cli import export_command
from journal.extensions import db
from journal.fulltext.index import Indexed, reindex_in_batches
from journal.imports.cli import import_command, jobs_command
from journal.models import User
from journal.operations.backup import backup_sqlite
from journal.operations.check import check_database
from journal.operations.common import OperationError, sqlite_file
from journal.operations.copy import copy_to_postgres, postgres_url
from journal.prompts.sync import sync_prompts
from journal.terminal_keys import ask_for_key
from journal.totals import recount_owner

MAX_DEMO_ENTRIES = 1_000_000


@click.command("create-user")
@click.argument("name")
@click.option("--admin", is_flag=True,
              help="Make the account an administrator. The first account always is one.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input (for scripts).")
@with_appcontext
def create_user_command(name: str, admin: bool, password_stdin: bool) -> None:
    """Create the account NAME. The password is asked for twice, without echo."""
    problem = username_problem(name)
    if problem:
        raise click.BadParameter(problem, param_hint="NAME")
    taken = find_user(name) is not None
    # End the read before waiting at a prompt: on SQLite a command's transaction holds
    # the write lock, and the running site must not queue behind someone typing.
    db.session.rollback()
    if taken:
        raise click.ClickException(f"The username {name!r} is taken. Choose another.")

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, [name])
    if problem:
        raise click.ClickException(problem)

    try:
        user = create_user(name, password, is_admin=True if admin else None)
        db.session.commit()
    except IntegrityError:  # created by someone else while the password was typed
        db.session.rollback()
        raise click.ClickException(f"The username {name!r} is taken. Choose another.") from None
    role = "administrator" if user.is_admin else "account"
    click.echo(f"Created the {role} {user.display_name!r}. Sign in with it in the browser.")


@click.command("demo-data")
@click.option("--user", "username", required=True, help="The account to fill.")
@click.option("--entries", "count", required=True, type=click.IntRange(1, MAX_DEMO_ENTRIES),
              help=f"How many entries to add (1 to {MAX_DEMO_ENTRIES:,}).")
@click.option("--years", type=click.IntRange(1, MAX_YEARS), default=DEFAULT_YEARS,
              show_default=True,
              help=f"How many years up to today the entries spread over (1 to {MAX_YEARS}).")
@click.option("--seed", type=int, default=None,
              help="Seed for the random choices, for repeatable text and tags.")
@click.option("--create", is_flag=True,
              help="Create the account first when there is none by that name (its password "
                   "is asked for twice, or read with --password-stdin).")
@click.option("--password-stdin", is_flag=True,
              help="Read the account's password from the first line of standard input "
                   "(for scripts).")
@with_appcontext
def demo_data_command(username: str, count: int, years: int, seed: int | None, create: bool,
                      password_stdin: bool) -> None:
    """Add COUNT varied entries with tags, spread over the past YEARS years, to an account:
    wins with their part, reframes with beliefs, prompt answers and starred entries. With
    many entries a year (a hundred thousand over ten years) there is one on every day.
    The entries are sealed like everything the account writes, so its password is asked
    for (without echo) to open its journal."""
    user = find_user(username)
    if user is None and not create:
        db.session.rollback()
        raise click.ClickException(
            f"There is no account named {username!r}. Create it first with: "
            f"flask --app journal create-user {username} (or add --create)"
        )
    if user is None:
        user = _create_demo_account(username, password_stdin)
    else:
        ask_for_key(user, from_stdin=password_stdin)
    started = time.perf_counter()
    result = insert_demo_entries(user.id, count, seed=seed, years=years)
    recount_owner(user.id)
    db.session.commit()
    seconds = time.perf_counter() - started
    click.echo(
        f"Added {result.entries:,} entries ({result.starred:,} starred, {result.wins:,} wins, "
        f"{result.reframes:,} reframes, {result.answers:,} answering a prompt; "
        f"{result.links:,} tag links over {result.tags} tags, {result.new_tags} of them new) "
        f"over {years} year{'' if years == 1 else 's'} for {user.display_name!r} "
        f"in {seconds:.1f} s."
    )
    if keyring.public_key(user.id) is not None and not keyring.holds(user.id):
        click.echo(f"Search finds them once the index holds them, written with the account's "
                   f"key: flask --app journal reindex --user {username}")


def _create_demo_account(name: str, password_stdin: bool) -> User:
    """The new account ``name`` for demo-data ``--create``, its key held by this command."""
    problem = username_problem(name)
    if problem:
        raise click.BadParameter(problem, param_hint="--user")
    db.session.rollback()  # hold no lock while someone types (see create-user)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, [name])
    if problem:
        raise click.ClickException(problem)
    try:
        user = create_user(name, password)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise click.ClickException(f"The username {name!r} is taken. Choose another.") from None
    click.echo(f"Created the account {user.display_name!r}.")
    return user


@click.command("sync-prompts")
@with_appcontext
def sync_prompts_command() -> None:
    """Bring the built-in prompts in line with the library file (``flask db upgrade``
    does this too). Safe to run any number of times."""
    result = sync_prompts(db.session.connection())
    db.session.commit()
    click.echo(f"Prompt library: {result}.")


@click.command("reindex")
@click.option("--user", "username", default=None, metavar="NAME",
              help="Rebuild only this account's documents. An encrypted journal's need its "
                   "key: the account's password is asked for, without echo.")
@click.option("--recovery-key", "with_recovery_key", is_flag=True,
              help="With --user: ask for the account's recovery key instead of its password "
                   "(after a password reset).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password (or recovery key) from the first line of standard "
                   "input (for scripts).")
@with_appcontext
def reindex_command(username: str | None, with_recovery_key: bool,
                    password_stdin: bool) -> None:
    """Rebuild the full-text search index from the entries (safe while the site runs:
    a few thousand entries per transaction, and search finds everything meanwhile).

    An encrypted journal's documents hold keyed digests of its words, so only work
    holding its key writes them: without --user they are left as they are and the
    accounts are listed at the end; --user NAME asks for that account's password and
    rebuilds its journal's documents. A wrong password changes nothing."""
    if with_recovery_key and username is None:
        raise click.UsageError("--recovery-key needs --user NAME.")
    owner_id = None
    if username is not None:
        owner_id = _unlock_journal(username, with_recovery_key, password_stdin)
    started = time.perf_counter()
    done = Indexed()
    for batch in reindex_in_batches(db.session.connection, owner_id=owner_id):
        db.session.commit()
        done.add(batch)
    click.echo(f"Indexed {_entries(done.written)} in {time.perf_counter() - started:.1f} s.")
    if done.skipped:
        _explain_skipped(done.skipped, username)


def _unlock_journal(name: str, with_recovery_key: bool, password_stdin: bool) -> int:
    """The id of the account NAME, whose data key this command then holds (asked for its
    password or recovery key when its journal is encrypted); a click error, with
    nothing changed, when there is no such account or the secret does not open it."""
    user = find_user(name)
    if user is None:
        db.session.rollback()
        raise click.ClickException(f"There is no account named {name!r}.")
    if keyring.public_key(user.id) is None:
        db.session.rollback()
        click.echo(f"{name!r} has no keys yet (the journal is not encrypted): "
                   "no password needed.")
        return user.id
    db.session.rollback()  # hold no lock while someone types (see create-user)
    asked = "Recovery key" if with_recovery_key else "Password"
    if password_stdin:
        secret = sys.stdin.readline().rstrip("\r\n")
    else:
        secret = click.prompt(f"{asked} of {name}", hide_input=True)
    user = find_user(name)
    if user is None:  # deleted while the password was typed
        db.session.rollback()
        raise click.ClickException(f"There is no account named {name!r}.")
    try:
        if with_recovery_key:
            data_key = open_with_recovery_key(user, secret)
        else:
            data_key = unlock_with_password(user, secret)
    except MistypedRecoveryKey as error:
        db.session.rollback()
        raise click.ClickException(f"{error} Nothing was changed.") from None
    except WrongKey:
        db.session.rollback()
        raise click.ClickException(f"This recovery key does not open the journal of {name!r}. "
                                   "Nothing was changed.") from None
    if data_key is None:
        db.session.rollback()
        raise click.ClickException(
            f"That password does not open the journal of {name!r}. Nothing was changed. "
            "After a password reset the recovery key opens it: add --recovery-key.")
    return user.id


def _entries(count: int) -> str:
    return f"{count:,} {'entry' if count == 1 else 'entries'}"


def _explain_skipped(skipped: Counter, username: str | None) -> None:
    """Say whose entries were left as they were, and what indexes them."""
    names = dict(db.session.execute(select(User.id, User.username)
                                    .where(User.id.in_(list(skipped)))).all())
    db.session.rollback()
    if username is not None:
        click.echo(f"{_entries(sum(skipped.values()))} of {username!r} did not open (damaged, "
                   "or written under an older key) and were left as they were.")
        return
    click.echo(f"Left {_entries(sum(skipped.values()))} of {len(skipped)} encrypted "
               f"journal{'s' if len(skipped) != 1 else ''} as they were: their words are "
               "indexed only with their key.")
    for owner_id, count in sorted(skipped.items(), key=lambda item: names.get(item[0], "")):
        click.echo(f"  {names.get(owner_id, f'account {owner_id}')}: {_entries(count)}")
    click.echo("Reindex each with its password: flask --app journal reindex --user NAME")


@click.command("recount")
@with_appcontext
def recount_command() -> None:
    """Count every account's running totals (days, tags) afresh from its entries, one
    account per transaction. ``check`` says when this is needed; safe while the site runs."""
    started = time.perf_counter()
    user_ids = list(db.session.scalars(select(User.id).order_by(User.id)))
    db.session.rollback()
    for user_id in user_ids:
        recount_owner(user_id)
        db.session.commit()
    click.echo(f"Counted the totals of {len(user_ids):,} account(s) in "
               f"{time.perf_counter() - started:.1f} s.")


@click.command("reset-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input (for scripts).")
@with_appcontext
def reset_password_command(name: str, password_stdin: bool) -> None:
    """Set a new password for the account NAME, asked for twice without echo, and sign
    that account out everywhere."""
    user = find_user(name)
    names = [user.username, user.display_name] if user else []
    db.session.rollback()  # hold no lock while someone types (see create-user)
    if user is None:
        raise click.ClickException(f"There is no account named {name!r}.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, names)
    if problem:
        raise click.ClickException(problem)

    user = find_user(name)
    if user is None:  # deleted while the password was typed
        db.session.rollback()
        raise click.ClickException(f"There is no account named {name!r}.")
    shown, active = user.display_name, user.active
    ended = reset_password(user, password)
    db.session.commit()
    sessions = "session" if ended == 1 else "sessions"
    click.echo(f"Set a new password for {shown!r} and ended {ended} {sessions}.")
    if not active:
        click.echo("The account is disabled: enable it before they can sign in.")


@click.command("backup")
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Folder for the backups. Default: instance/backups.")
@click.option("--keep", type=click.IntRange(min=1), default=7, show_default=True,
              help="How many backups to keep in the folder; older ones are deleted.")
@with_appcontext
def backup_command(folder: Path | None, keep: int) -> None:
    """Copy the SQLite database to FOLDER/journal-YYYYMMDD-HHMMSS.sqlite3 (UTC), safely
    while the site runs, check the copy, and keep the newest KEEP backups."""
    try:
        database = sqlite_file(db.engine, purpose="backup")
        db.session.rollback()
        result = backup_sqlite(database, folder or Path(current_app.instance_path) / "backups",
                               keep=keep)
    except OperationError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"Could not write the backup: {error}") from None
    click.echo(f"Backed up to {result.path} ({_size(result.size)}, integrity ok, "
               f"{result.seconds:.2f} s).")
    for path in result.removed:
        click.echo(f"Removed the older backup {path.name}.")


def _size(count: int) -> str:
    if count < 1000:
        return f"{count} bytes"
    amount = float(count)
    for unit in ("KB", "MB", "GB"):
        amount /= 1000
        if amount < 1000 or unit == "GB":
            break
    return f"{amount:.1f} {unit}"


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Check the database: integrity, foreign keys, migration state and the search index.
    Exits with 1 and a list of problems when something is wrong. Reads only."""
    db.session.rollback()
    try:
        report = check_database(current_app)
    except OperationError as error:
        raise click.ClickException(str(error)) from None
    for line in report.lines:
        click.echo(line)
    if report.problems:
        problems = "\n".join(f"- {problem}" for problem in report.problems)
        count = len(report.problems)
        raise click.ClickException(f"{count} problem{'s' if count > 1 else ''}:\n{problems}")
    click.echo("All checks passed.")


@click.command("copy-db")
@click.option("--to", "url", required=True, metavar="URL",
              help="The empty PostgreSQL database: postgresql://USER:PASSWORD@HOST/NAME")
@with_appcontext
def copy_db_command(url: str) -> None:
    """Copy this SQLite journal into an empty PostgreSQL database: schema, every account
    and entry with their ids, and a fresh search index, all or nothing. Stop the site
    first; afterwards point JOURNAL_DATABASE_URL at the new database."""
    try:
        postgres_url(url)
    except OperationError as error:
        raise click.BadParameter(str(error), param_hint="--to") from None
    db.session.rollback()
    try:
        result = copy_to_postgres(current_app, url, progress=click.echo)
    except OperationError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Copied into {result.target} in {result.seconds:.1f} s, "
               f"{result.indexed:,} entries indexed for search:")
    for table, count in result.counts.items():
        click.echo(f"  {table}: {count:,}")
    if result.unindexed:
        click.echo(f"{_entries(result.unindexed)} of encrypted journals had no document to "
                   "copy: on the new database, flask --app journal reindex lists whose, and "
                   "reindex --user NAME indexes each with its password.")
    click.echo("Next: set JOURNAL_DATABASE_URL to that URL, run flask --app journal check, "
               "and start the journal.")


commands: list = [create_user_command, demo_data_command, sync_prompts_command,
                  reindex_command, recount_command, reset_password_command, backup_command,
                  check_command, copy_db_command, export_command, import_command, jobs_command]
