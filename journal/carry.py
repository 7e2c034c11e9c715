"""Keeping an entry that was posted after its sign-in expired.

The sign-in page carries the typed entry in hidden ``carry_*`` fields; after a
successful sign-in the entry form is shown again, filled in, ready to save.
Nothing is stored on the server until the user saves.
"""

from flask import render_template, request
from werkzeug.datastructures import MultiDict

from journal.urls import safe_next

ENTRY_FIELDS = ("title", "body", "tags", "prompt_id", "version", "starred")
ENTRY_ENDPOINTS = {"entries.new", "entries.edit"}


def carried_draft(form: MultiDict, *, from_entry_form: bool = False) -> dict | None:
    """The entry being carried, or ``None``.

    With ``from_entry_form`` the draft is read from an entry form posted to this
    request; otherwise from the ``carry_*`` fields of the sign-in form.
    """
    if from_entry_form:
        if request.endpoint not in ENTRY_ENDPOINTS or "body" not in form:
            return None
        draft = {name: form.get(name, "") for name in ENTRY_FIELDS}
        draft["action"] = request.path
        return draft
    action = safe_next(form.get("carry_action"))
    if not action or not action.startswith("/entries/"):
        return None
    draft = {name: form.get(f"carry_{name}", "") for name in ENTRY_FIELDS}
    draft["action"] = action
    return draft


def render_carried_draft(draft: dict):
    """The entry form filled with ``draft``, posting to where it was first sent."""
    from journal.entries.forms import EntryForm

    form = EntryForm(formdata=MultiDict({k: v for k, v in draft.items() if k != "action"}))
    return render_template(
        "entries/form.html",
        form=form,
        entry=None,
        action=draft["action"],
        recovered=True,
    )
