from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from journal.database import is_lock_timeout, reading
from journal.entries import bp
from journal.entries.forms import EntryForm, form_class_for
from journal.entries.services import create_entry, delete_entry, set_starred, update_entry
from journal.extensions import db
from journal.models import ENTRY_KINDS, NOTE, Entry, Prompt
from journal.ownership import get_owned_or_404, owned, visible_prompt_or_404, visible_prompts
from journal.pagination import paginate_entries
from journal.tags.queries import tag_names
from journal.urls import parse_id
from journal.wins.queries import evidence_for, shows_evidence

SAVED_DRAFT = "saved-draft"  # flash category: tells the page script which local draft to drop
BUSY = ("The journal is busy writing something large and could not save this just now. "
        "Nothing is lost: your text is below. Save again in a moment.")


@bp.errorhandler(OperationalError)
def _busy(error: OperationalError):
    """A write that waited its full time for the database (the busy timeout) without
    getting it: the form again, with what was typed, 503 and a clear word; never 500."""
    if not is_lock_timeout(error) or request.endpoint not in ("entries.new", "entries.edit"):
        raise error
    db.session.rollback()
    # The page only reads, in a transaction that takes no write lock and stays open for
    # the rest of the request (the signed-in user is read again after this).
    with reading():
        kind = request.values.get("kind") if request.values.get("kind") in ENTRY_KINDS else NOTE
        entry = None
        if request.endpoint == "entries.edit":
            entry = get_owned_or_404(Entry, request.view_args["entry_id"], current_user)
            kind = entry.kind
        form = form_class_for(kind)()
        prompt = None if entry else _answerable_prompt(form.submitted_prompt_id())
        page, status = _render_form(form, entry=entry, prompt=prompt, kind=kind, notice=BUSY,
                                    status=503)
    return page, status, {"Retry-After": "5"}


def _render_form(form: EntryForm, *, entry: Entry | None, status: int = 200,
                 prompt: Prompt | None = None, **extra):
    template = "entries/edit.html" if entry is not None else "entries/new.html"
    if entry is not None and prompt is None:
        prompt = entry.prompt
    return render_template(template, form=form, entry=entry, prompt=prompt,
                           prompt_text=entry.prompt_text if entry else None,
                           tag_suggestions=tag_names(current_user), **extra), status


@bp.route("/")
@login_required
def index():
    """Newest first; ``?kind=reframe`` lists the reframes on their own."""
    kind = request.args.get("kind")
    statement = owned(Entry, current_user).options(selectinload(Entry.tags),
                                                   selectinload(Entry.reframe))
    if kind in ENTRY_KINDS:
        statement = statement.where(Entry.kind == kind)
    else:
        kind = None
    page = paginate_entries(statement, before=request.args.get("before"),
                            after=request.args.get("after"),
                            per_page=current_app.config["ENTRIES_PER_PAGE"])
    return render_template("entries/index.html", page=page, kind=kind,
                           endpoint_args={"kind": kind} if kind else {})


@bp.route("/<id:entry_id>")
@login_required
def detail(entry_id: int):
    """One of the user's entries (with past wins beside a reframe or doubt); 404 if not theirs."""
    entry = get_owned_or_404(Entry, entry_id, current_user)
    return render_detail(entry)


def render_detail(entry: Entry, **extra) -> str:
    """The entry page of ``entry``, which the caller has checked is the user's."""
    evidence = evidence_for(entry) if shows_evidence(entry) else None
    return render_template("entries/detail.html", entry=entry, evidence=evidence, **extra)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Write an entry: ``?kind=reframe`` for the guided form, ``?prompt=<id>`` to answer
    a prompt (404 when the prompt is not one this user may answer)."""
    kind = request.values.get("kind") if request.values.get("kind") in ENTRY_KINDS else NOTE
    form = form_class_for(kind)()
    prompt = None
    if request.method == "GET":
        prompt_id = request.args.get("prompt")
        if prompt_id is not None:
            prompt = visible_prompt_or_404(_int_or_404(prompt_id), current_user)
            form.prompt_id.data = str(prompt.id)
        form.body.data = form.body.data or request.args.get("body", "")
        form.tags.data = form.tags.data or request.args.get("tags", "")
    else:
        prompt = _answerable_prompt(form.submitted_prompt_id())
    if form.validate_on_submit():
        if form.submitted_prompt_id() and prompt is None:
            flash("The prompt you were answering is no longer available; your entry is "
                  "saved without it.", "info")
        entry = create_entry(current_user, title=form.title.data, body=form.body.data,
                             tags=form.tag_pairs(), prompt=prompt, is_win=form.is_win.data,
                             win_part=form.win_part.data, reframe=form.reframe_fields())
        db.session.commit()
        flash("entry:new", SAVED_DRAFT)
        flash("Saved.", "success")
        return redirect(url_for("entries.detail", entry_id=entry.id))
    return _render_form(form, entry=None, prompt=prompt, kind=kind,
                        status=400 if form.errors else 200)


def _int_or_404(value: str) -> int:
    ident = parse_id(value)
    if ident is None:
        abort(404)
    return ident


def _answerable_prompt(prompt_id: int | None) -> Prompt | None:
    """The prompt a posted entry answers, if the user may still answer it."""
    if prompt_id is None:
        return None
    return db.session.scalar(visible_prompts(current_user).where(Prompt.id == prompt_id))


@bp.route("/<id:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(entry_id: int):
    """Edit one's entry; 409 with both versions if it changed meanwhile, 404 if not theirs."""
    entry = get_owned_or_404(Entry, entry_id, current_user)
    form_class = form_class_for(entry.kind)
    form = form_class(obj=entry if request.method == "GET" else None)
    if request.method == "GET":
        form.tags.data = ", ".join(tag.display_name for tag in entry.sorted_tags)
        form.version.data = str(entry.version)
        if entry.reframe is not None:
            for name in (*form.GUIDED_FIELDS, "belief_before", "belief_after"):
                getattr(form, name).data = getattr(entry.reframe, name)
    if form.validate_on_submit():
        if form.submitted_version() != entry.version:
            return _conflict(form, entry)
        update_entry(entry, title=form.title.data, body=form.body.data,
                     tags=form.tag_pairs(), is_win=form.is_win.data,
                     win_part=form.win_part.data, reframe=form.reframe_fields())
        try:
            db.session.commit()
        except StaleDataError:  # changed by another request between our read and write
            db.session.rollback()
            entry = get_owned_or_404(Entry, entry_id, current_user)
            return _conflict(form, entry)
        flash(f"entry:{entry.id}", SAVED_DRAFT)
        flash("Saved.", "success")
        return redirect(url_for("entries.detail", entry_id=entry.id))
    return _render_form(form, entry=entry, kind=entry.kind, status=400 if form.errors else 200)


def _conflict(form: EntryForm, entry: Entry):
    """409: the entry changed since the editor opened. Shows the saved version beside
    the submitted one; either can be kept, and the submitted text stays on the page."""
    form.version.data = str(entry.version)
    return render_template("entries/conflict.html", entry=entry, mine=form), 409


@bp.route("/<id:entry_id>/star", methods=["POST"])
@login_required
def star(entry_id: int):
    """Star (``starred=1``) or unstar one's entry; 404 when it is not theirs."""
    entry = get_owned_or_404(Entry, entry_id, current_user)
    set_starred(entry, request.form.get("starred") == "1")
    db.session.commit()
    return redirect(url_for("entries.detail", entry_id=entry.id))


@bp.route("/<id:entry_id>/delete", methods=["GET", "POST"])
@login_required
def delete(entry_id: int):
    """Ask, then delete one's entry (and tags no other entry uses); 404 when it is not theirs."""
    entry = get_owned_or_404(Entry, entry_id, current_user)
    if request.method == "GET":
        return render_template("entries/delete.html", entry=entry)
    delete_entry(entry)
    db.session.commit()
    flash("The entry is deleted.", "success")
    return redirect(url_for("entries.index"))
