"""Keeping an entry that was posted after its sign-in expired.

The sign-in page carries the typed entry in hidden ``carry_*`` fields; after a
successful sign-in the entry form is shown again, filled in, ready to save.
Nothing is stored on the server until the user saves.
"""

import re

from flask import render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from journal.urls import safe_next

ENTRY_ENDPOINTS = {"entries.new", "entries.edit"}


def carried_draft(form: MultiDict, *, from_entry_form: bool = False) -> dict | None:
    """The entry being carried, or ``None``.

    With ``from_entry_form`` the draft is read from an entry form posted to this
    request; otherwise from the ``carry_*`` fields of the sign-in form.
    """
    from journal.entries.forms import entry_field_names

    names = entry_field_names()
    if from_entry_form:
        if request.endpoint not in ENTRY_ENDPOINTS or "body" not in form:
            return None
        draft = {name: form[name] for name in names if name in form}
        draft["action"] = request.path
        return draft
    action = safe_next(form.get("carry_action"))
    if not action or not action.startswith("/entries/"):
        return None
    draft = {name: form[f"carry_{name}"] for name in names if f"carry_{name}" in form}
    draft["action"] = action
    return draft


def render_carried_draft(draft: dict):
    """The entry form filled with ``draft``, posting to where it was first sent: the
    edit page of that entry when it is the signed-in user's, else the write page."""
    from journal.entries.forms import form_class_for
    from journal.models import Entry
    from journal.ownership import get_owned

    fields = MultiDict({k: v for k, v in draft.items() if k != "action"})
    notice = ("You are signed in again. Your text is below, exactly as you sent it: "
              "check it and save.")
    edited = _EDIT_ACTION.fullmatch(draft["action"])
    entry = get_owned(Entry, int(edited.group(1)), current_user) if edited else None
    if entry is not None:
        form = form_class_for(entry.kind)(formdata=fields)
        return render_template("entries/edit.html", form=form, entry=entry, notice=notice,
                               kind=entry.kind, prompt_text=entry.prompt_text)
    kind = draft.get("kind", "note")
    form = form_class_for(kind)(formdata=fields)
    return render_template("entries/new.html", form=form, entry=None, kind=form.kind,
                           action=url_for("entries.new"), notice=notice)


_EDIT_ACTION = re.compile(r"/entries/(\d{1,18})/edit")
