"""Export pages: what each format is for, and the downloads themselves."""

from flask import Response, abort, render_template, stream_with_context
from flask_login import current_user, login_required

from journal.exports import bp
from journal.exports.batches import EntryReader, ExportOwner, entry_count
from journal.exports.formats import FORMATS, file_name
from journal.timezones import local_today


@bp.route("")
@login_required
def index():
    """The three formats explained, each with its download link."""
    today = local_today(current_user)
    names = {key: file_name(export_format, current_user.username, today)
             for key, export_format in FORMATS.items()}
    return render_template("exports/index.html", names=names,
                           entries=entry_count(current_user.id))


@bp.route("/<fmt>")
@login_required
def download(fmt: str):
    """The signed-in user's whole journal as a file to download, streamed a batch of
    entries at a time; 404 for a format that does not exist. Only the user's own data
    is ever read (see :mod:`journal.exports.batches`)."""
    export_format = FORMATS.get(fmt)
    if export_format is None:
        abort(404)
    owner = ExportOwner.of(current_user)
    name = file_name(export_format, owner.username, local_today(current_user))
    body = export_format.write(owner, EntryReader(owner.id))
    return Response(stream_with_context(body), mimetype=export_format.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
    })
