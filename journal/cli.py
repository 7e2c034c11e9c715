"""Flask commands: ``flask --app journal <command>``.

``create-user`` adds an account from a terminal; ``demo-data`` fills an account with
realistic entries for trying the app out and for measuring it.
"""

import sys
import time

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from journal.auth.passwords import password_problem
from journal.auth.services import create_user, find_user, username_problem
from journal.extensions import db

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
@click.option("--user", "username", required=True, help="The existing account to fill.")
@click.option("--entries", "count", required=True, type=click.IntRange(1, MAX_DEMO_ENTRIES),
              help=f"How many entries to add (1 to {MAX_DEMO_ENTRIES:,}).")
@click.option("--seed", type=int, default=None,
              help="Seed for the random choices, for repeatable text and tags.")
@with_appcontext
def demo_data_command(username: str, count: int, seed: int | None) -> None:
    """Add COUNT varied entries with tags, spread over the past two years, to an account."""
    from journal.demo import insert_demo_entries

    user = find_user(username)
    if user is None:
        db.session.rollback()
        raise click.ClickException(
            f"There is no account named {username!r}. Create it first with: "
            f"flask --app journal create-user {username}"
        )
    started = time.perf_counter()
    result = insert_demo_entries(user.id, count, seed=seed)
    db.session.commit()
    seconds = time.perf_counter() - started
    click.echo(
        f"Added {result.entries:,} entries ({result.starred:,} starred, "
        f"{result.links:,} tag links over {result.tags} tags, {result.new_tags} of them new) "
        f"for {user.display_name!r} in {seconds:.1f} s."
    )




@click.command("sync-prompts")
@with_appcontext
def sync_prompts_command() -> None:
    """Bring the built-in prompts in line with the library file (``flask db upgrade``
    does this too). Safe to run any number of times."""
    from journal.prompts.sync import sync_prompts

    result = sync_prompts(db.session.connection())
    db.session.commit()
    click.echo(f"Prompt library: {result}.")


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the full-text search index from the entries (safe while the site runs:
    it happens in one transaction)."""
    from journal.search.index import rebuild_index

    started = time.perf_counter()
    count = rebuild_index(db.session.connection())
    db.session.commit()
    click.echo(f"Indexed {count:,} entries in {time.perf_counter() - started:.1f} s.")


commands: list = [create_user_command, demo_data_command, sync_prompts_command,
                  reindex_command]
