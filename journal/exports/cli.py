"""``flask --app journal export``: one account's journal to a file or to stdout."""

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import click
from flask.cli import with_appcontext

from journal.auth.queries import find_user
from journal.database import reading
from journal.exports.batches import EntryReader, ExportOwner
from journal.exports.formats import FORMATS, file_name
from journal.extensions import db
from journal.terminal_keys import ask_for_key
from journal.timezones import local_today


def write_atomically(target: Path, chunks: Iterable[bytes]) -> None:
    """Write ``chunks`` to a temporary file beside ``target`` (readable by its owner
    only), then rename it into place, so a failed export leaves no partial file.
    Replaces ``target`` if it exists; raises ``OSError`` from the file system."""
    temporary: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.",
                                         suffix=".part", delete=False) as handle:
            temporary = Path(handle.name)
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise


@click.command("export")
@click.option("--user", "username", required=True, help="The account whose journal to export.")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="json",
              show_default=True, help="json: complete and lossless; markdown: a zip of "
              "Markdown files; jrnl: jrnl's JSON shape.")
@click.option("--output", default=None, metavar="FILE",
              help="Where to write; - for standard output. Default: a file named like the "
                   "download (journal-NAME-DATE...) in the current folder.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.option("--password-stdin", is_flag=True,
              help="Read the account's password (or with --recovery-key its recovery key) "
                   "from the first line of standard input, for scripts.")
@click.option("--recovery-key", is_flag=True,
              help="Open the journal with the account's recovery key instead of its "
                   "password (after a password reset).")
@with_appcontext
def export_command(username: str, fmt: str, output: str | None, force: bool,
                   password_stdin: bool, recovery_key: bool) -> None:
    """Export everything one account wrote, as the export page's downloads do. The
    export is plain text (it is the account's own); an encrypted journal is opened
    with the account's password, asked for without echo, or its recovery key."""
    with reading():  # an export only reads: the running site keeps writing meanwhile
        user = find_user(username)
        if user is None:
            db.session.rollback()
            raise click.ClickException(f"There is no account named {username!r}.")
        export_format = FORMATS[fmt]
        target = None
        if output != "-":
            target = Path(output) if output else Path.cwd() / file_name(
                export_format, user.username, local_today(user))
            _check_target(target, force)
        ask_for_key(user, from_stdin=password_stdin, recovery_key=recovery_key)
        owner = ExportOwner.of(user)
        shown = user.display_name
        reader = EntryReader(owner.id)
        chunks = export_format.write(owner, reader)
        if target is None:
            with click.open_file("-", "wb") as stream:
                for chunk in chunks:
                    stream.write(chunk)
                stream.flush()
            db.session.rollback()
            click.echo(f"Exported {_entries(reader.count)} of {shown!r} as {fmt}."
                       f"{_unopened(reader)}", err=True)
            return
        try:
            write_atomically(target, chunks)
        except OSError as error:
            raise click.ClickException(f"Could not write the export: {error}") from None
        finally:
            db.session.rollback()
    click.echo(f"Wrote {_entries(reader.count)} of {shown!r} to {target} as {fmt}."
               f"{_unopened(reader)}")


def _check_target(target: Path, force: bool) -> None:
    if target.is_dir():
        raise click.ClickException(f"{target} is a folder. Give a file name with --output.")
    if target.exists() and not force:
        raise click.ClickException(
            f"{target} exists. Add --force to replace it, or choose another --output.")
    if not target.parent.is_dir():
        raise click.ClickException(f"The folder {target.parent} does not exist.")


def _entries(count: int) -> str:
    return f"{count:,} {'entry' if count == 1 else 'entries'}"


def _unopened(reader: EntryReader) -> str:
    """A sentence on the rows that did not open, or nothing."""
    if not reader.unopened.any:
        return ""
    return (f" {reader.unopened.sentence()}: entries are placeholders with their date "
            f"(marked unreadable), tags and own prompts are left out.")
