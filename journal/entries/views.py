from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from journal.carry import carried_draft
from journal.entries import bp
from journal.entries.forms import EntryForm
from journal.entries.services import create_entry, delete_entry, set_starred, update_entry
from journal.extensions import db
from journal.models import Entry
from journal.ownership import get_owned_or_404, owned
from journal.pagination import paginate_entries
from journal.tags.queries import tag_names

SAVED_DRAFT = "saved-draft"  # flash category: tells the page script which local draft to drop


def _render_form(form: EntryForm, *, entry: Entry | None, status: int = 200, **extra):
    template = "entries/edit.html" if entry is not None else "entries/new.html"
    return render_template(template, form=form, entry=entry,
                           tag_suggestions=tag_names(current_user), **extra), status


@bp.route("/")
@login_required
def index():
    statement = owned(Entry, current_user).options(selectinload(Entry.tags))
    page = paginate_entries(statement, before=request.args.get("before"),
                            after=request.args.get("after"),
                            per_page=current_app.config["ENTRIES_PER_PAGE"])
    return render_template("entries/index.html", page=page)


@bp.route("/<int:entry_id>")
@login_required
def detail(entry_id: int):
    entry = get_owned_or_404(Entry, entry_id, current_user)
    return render_template("entries/detail.html", entry=entry)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = EntryForm()
    if request.method == "GET":
        form.body.data = form.body.data or request.args.get("body", "")
        form.tags.data = form.tags.data or request.args.get("tags", "")
    if form.validate_on_submit():
        entry = create_entry(current_user, title=form.title.data, body=form.body.data,
                             tags=form.tag_pairs())
        db.session.commit()
        flash("entry:new", SAVED_DRAFT)
        flash("Saved.", "success")
        return redirect(url_for("entries.detail", entry_id=entry.id))
    return _render_form(form, entry=None, status=400 if form.errors else 200)


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(entry_id: int):
    entry = get_owned_or_404(Entry, entry_id, current_user)
    form = EntryForm(obj=entry if request.method == "GET" else None)
    if request.method == "GET":
        form.tags.data = ", ".join(tag.display_name for tag in entry.tags)
        form.version.data = str(entry.version)
    if form.validate_on_submit():
        if form.submitted_version() != entry.version:
            return _conflict(form, entry)
        update_entry(entry, title=form.title.data, body=form.body.data, tags=form.tag_pairs())
        try:
            db.session.commit()
        except StaleDataError:  # changed by another request between our read and write
            db.session.rollback()
            entry = get_owned_or_404(Entry, entry_id, current_user)
            return _conflict(form, entry)
        flash(f"entry:{entry.id}", SAVED_DRAFT)
        flash("Saved.", "success")
        return redirect(url_for("entries.detail", entry_id=entry.id))
    return _render_form(form, entry=entry, status=400 if form.errors else 200)


def _conflict(form: EntryForm, entry: Entry):
    """409: the entry changed since the editor opened. Shows the saved version beside
    the submitted one; either can be kept, and the submitted text stays on the page."""
    mine = EntryForm(formdata=None, title=form.title.data, body=form.body.data,
                     tags=form.tags.data, version=str(entry.version))
    return render_template("entries/conflict.html", entry=entry, mine=mine), 409


@bp.route("/<int:entry_id>/star", methods=["POST"])
@login_required
def star(entry_id: int):
    entry = get_owned_or_404(Entry, entry_id, current_user)
    set_starred(entry, request.form.get("starred") == "1")
    db.session.commit()
    return redirect(url_for("entries.detail", entry_id=entry.id))


@bp.route("/<int:entry_id>/delete", methods=["GET", "POST"])
@login_required
def delete(entry_id: int):
    entry = get_owned_or_404(Entry, entry_id, current_user)
    if request.method == "GET":
        return render_template("entries/delete.html", entry=entry)
    delete_entry(entry)
    db.session.commit()
    flash("The entry is deleted.", "success")
    return redirect(url_for("entries.index"))


def rerender_after_csrf_failure():
    """The response for an entry form whose CSRF token failed, or ``None`` for other
    forms: the form again with the typed text and a fresh token (nothing saved), or the
    sign-in page carrying the text when the sign-in has ended too."""
    if request.endpoint not in ("entries.new", "entries.edit"):
        return None
    if not current_user.is_authenticated:
        from journal.auth.forms import LoginForm

        draft = carried_draft(request.form, from_entry_form=True)
        if draft is None:
            return None
        return render_template("auth/login.html", form=LoginForm(formdata=None), draft=draft), 401
    entry = None
    if request.endpoint == "entries.edit":
        entry = get_owned_or_404(Entry, request.view_args["entry_id"], current_user)
    form = EntryForm(formdata=request.form)
    return _render_form(
        form, entry=entry, status=400,
        notice="This page had been open too long to save safely, so nothing was saved yet. "
               "Your text is below: check it and save again.",
    )
