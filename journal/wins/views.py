from collections.abc import Iterator
from datetime import date, datetime, tzinfo

from flask import (
    Response,
    current_app,
    render_template,
    request,
    stream_with_context,
)
from flask_login import current_user, login_required
from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from journal.extensions import db
from journal.models import Entry
from journal.pagination import paginate_entries
from journal.tags.queries import tag_names
from journal.timezones import in_zone, zone_for
from journal.wins import bp
from journal.wins.forms import WinFilterForm
from journal.wins.queries import first_win_at, wins_of

BRAG_BATCH = 200  # wins read from the database at a time while the document streams


def _render_index(form: WinFilterForm, suggestions: list[str], *, page=None,
                  unknown_tag: bool = False, status: int = 200):
    return render_template("wins/index.html", form=form, page=page, unknown_tag=unknown_tag,
                           filters=form.filters() if status == 200 else {},
                           tag_suggestions=suggestions), status


def _selected_wins(form: WinFilterForm, zone: tzinfo) -> Select[tuple[Entry]]:
    return wins_of(current_user, tag=form.tag.data or None, start=form.start.data,
                   end=form.end.data, zone=zone)


@bp.route("/")
@login_required
def index():
    """The user's wins, newest first, filtered by tag (with its children) and by local
    dates. A filter that cannot be read answers 400 with the form's errors; a tag the user
    does not have lists nothing and says so."""
    form = WinFilterForm(formdata=request.args)
    suggestions = tag_names(current_user)
    if not form.validate():
        return _render_index(form, suggestions, status=400)
    tag = form.tag.data
    unknown_tag = bool(tag) and not any(
        name == tag or name.startswith(tag + "/") for name in suggestions)
    statement = _selected_wins(form, zone_for(current_user)).options(
        selectinload(Entry.tags), selectinload(Entry.reframe))
    page = paginate_entries(statement, before=request.args.get("before"),
                            after=request.args.get("after"),
                            per_page=current_app.config["ENTRIES_PER_PAGE"])
    return _render_index(form, suggestions, page=page, unknown_tag=unknown_tag)


@bp.route("/brag.md")
@login_required
def brag():
    """The wins in a range of local dates as a Markdown document to download, oldest
    first, streamed a batch at a time. Without ``start`` the range begins at the first
    matching win; without ``end`` it ends today."""
    form = WinFilterForm(formdata=request.args)
    if not form.validate():
        return _render_index(form, tag_names(current_user), status=400)
    zone = zone_for(current_user)
    statement = _selected_wins(form, zone)
    end = form.end.data or max(datetime.now(zone).date(), form.start.data or date.min)
    start = form.start.data
    if start is None:
        first = first_win_at(statement)
        start = min(in_zone(first, zone).date(), end) if first else end
    statement = (statement.options(selectinload(Entry.tags), selectinload(Entry.reframe))
                 .order_by(Entry.created_at.asc(), Entry.id.asc())
                 .execution_options(yield_per=BRAG_BATCH))
    document = _brag_document(statement, zone, start=start, end=end, tag=form.tag.data)
    filename = f"wins-{start.isoformat()}-to-{end.isoformat()}.md"
    return Response(stream_with_context(document), content_type="text/markdown; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _brag_document(statement: Select[tuple[Entry]], zone: tzinfo, *, start: date, end: date,
                   tag: str | None) -> Iterator[str]:
    """The document's text in pieces: the heading, then one piece per win."""
    yield f"# My wins, {_long_date(start)} to {_long_date(end)}\n\n"
    if tag:
        yield f"Wins tagged #{tag} or a tag below it.\n\n"
    rows = db.session.scalars(statement)
    count = 0
    try:
        for entry in rows:
            count += 1
            yield _win_markdown(entry, zone)
    finally:
        rows.close()
    if not count:
        yield "No wins were marked in this range.\n"


def _win_markdown(entry: Entry, zone: tzinfo) -> str:
    day = in_zone(entry.created_at, zone).date()
    parts = [f"## {_long_date(day)}: {entry.display_title}\n"]
    if entry.win_part:
        parts.append(f"**My part:** {entry.win_part.strip()}\n")
    body = entry.body.strip()
    if not body and entry.reframe is not None:
        body = entry.reframe.happened.strip()
    if body:
        parts.append(body + "\n")
    if entry.tags:
        shown = ", ".join(f"#{tag.display_name}" for tag in entry.sorted_tags)
        parts.append(f"Tags: {shown}\n")
    return "\n".join(parts) + "\n"
