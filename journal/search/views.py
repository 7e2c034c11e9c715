from flask import render_template, request
from flask_login import current_user, login_required

from journal.search import bp
from journal.search.forms import SearchForm
from journal.search.service import SearchFilters, search
from journal.tags.names import canonical_tag
from journal.tags.queries import tag_names


@bp.route("/search")
@login_required
def index():
    """Search one's own entries. Any text is a valid query; filters with a mistake are
    pointed out on the page and left out of the search, never a page error."""
    form = SearchForm(request.args)
    form.validate()
    filters = SearchFilters(
        tags=(canonical_tag(form.tag.data),) if form.tag.data and not form.tag.errors
        and form.tag.data.strip() else (),
        start=form.start.data if not form.start.errors else None,
        end=form.end.data if not (form.end.errors or form.start.errors) else None,
        starred=bool(form.starred.data),
        win=bool(form.win.data),
        kind=form.kind.data if form.kind.data in ("note", "reframe") else None,
    )
    searched = bool((form.q.data or "").strip()) or form.has_filters
    results = None
    if searched:
        results = search(current_user, form.q.data or "", filters,
                         page=request.args.get("page", 1, type=int))
    return render_template("search/index.html", form=form, results=results,
                           tag_suggestions=tag_names(current_user))
