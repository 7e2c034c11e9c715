"""Keeping the text of an entry form the server refused to save.

Two things refuse a post: an ended sign-in, and a CSRF token that no longer checks out.
Either way nothing is saved and nothing is lost. Signed in, the form comes back at once
with the typed text and a fresh token. Signed out, the sign-in page carries the text in
hidden fields (:mod:`journal.auth.carry`), and after signing in the form is shown again,
filled in, ready to save.
"""

from typing import Any

from flask import flash, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict

from journal.auth.carry import Draft, carry_through_sign_in, sign_in_page_carrying
from journal.entries import bp
from journal.entries.forms import entry_field_names, form_class_for
from journal.entries.views import _answerable_prompt, _render_form, render_detail
from journal.errors import handle_csrf_error, log_csrf_failure, render_error
from journal.models import ENTRY_KINDS, NOTE, Entry
from journal.ownership import get_owned

ENTRY_FORMS = ("entries.new", "entries.edit")
RESUMED = ("You are signed in again. Your text is below, exactly as you sent it: "
           "check it and save.")
REFUSED_WIN = ("This page had been open too long to save safely, so nothing was saved yet. "
               "What you wrote about your part is below: save it again.")
REFUSED = ("This page had been open too long to save safely, so nothing was saved yet. "
           "Your text is below: check it and save again.")


def resume_entry(draft: Draft, view_args: dict[str, Any]) -> ResponseReturnValue:
    """The entry form filled with ``draft`` after signing in again, posting to where it
    was first sent: the edit page of that entry when it is the signed-in user's, else
    the write page."""
    fields = MultiDict({name: value for name, value in draft.items() if name != "action"})
    entry_id = view_args.get("entry_id")
    entry = get_owned(Entry, entry_id, current_user) if entry_id is not None else None
    if entry is not None:
        form = form_class_for(entry.kind)(formdata=fields)
        return render_template("entries/edit.html", form=form, entry=entry, notice=RESUMED,
                               kind=entry.kind, prompt_text=entry.prompt_text)
    form = form_class_for(draft.get("kind", NOTE))(formdata=fields)
    return render_template("entries/new.html", form=form, entry=None, kind=form.kind,
                           action=url_for("entries.new"), notice=RESUMED)


bp.record_once(lambda state: carry_through_sign_in(
    state.app, ENTRY_FORMS, fields=entry_field_names, resume=resume_entry))


@bp.errorhandler(CSRFError)
def keep_text_after_csrf_failure(error: CSRFError) -> ResponseReturnValue:
    """An entry form whose token failed saves nothing and loses nothing: signed in, the
    form again with the typed text and a fresh token (400; 404 when editing an entry
    that is not the user's); signed out, the sign-in page carrying the text (401).
    The win form comes back on the entry page with the typed part (400). Other forms of
    this blueprint get the usual refusal."""
    if request.endpoint == "entries.mark_win" and current_user.is_authenticated:
        return _win_form_again(error)
    if request.endpoint not in ENTRY_FORMS:
        return handle_csrf_error(error)
    if not current_user.is_authenticated:
        page = sign_in_page_carrying()
        if page is None:
            return handle_csrf_error(error)
        log_csrf_failure(error)
        return page
    log_csrf_failure(error)
    entry = None
    kind = request.form.get("kind") if request.form.get("kind") in ENTRY_KINDS else NOTE
    if request.endpoint == "entries.edit":
        entry = get_owned(Entry, request.view_args["entry_id"], current_user)
        if entry is None:  # an error handler answers; it cannot abort
            return render_error(404)
        kind = entry.kind
    form = form_class_for(kind)(formdata=request.form)
    return _render_form(form, entry=entry, status=400, kind=kind,
                        prompt=_answerable_prompt(form.submitted_prompt_id()), notice=REFUSED)


def _win_form_again(error: CSRFError) -> ResponseReturnValue:
    """The entry page with the win form open and the typed part in it (400), or 404
    when the entry is not the user's."""
    entry = get_owned(Entry, request.view_args["entry_id"], current_user)
    if entry is None:
        return render_error(404)
    log_csrf_failure(error)
    flash(REFUSED_WIN, "warning")
    return render_detail(entry, typed_win_part=request.form.get("win_part", "")), 400
