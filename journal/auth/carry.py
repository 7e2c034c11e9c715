"""Keeping what was typed into a form whose sign-in ended.

A feature lets one of its forms be carried with :func:`carry_through_sign_in`. When that
form is posted signed out (the sign-in ended while it was open), the sign-in page keeps
the typed fields in hidden ``carry_*`` inputs (:func:`sign_in_page_carrying`); after a
successful sign-in the login view hands them back to the feature, which shows its form
again, filled in and ready to save (:func:`resume`). Nothing is stored on the server
until the user saves.

Sign-in knows nothing of the carried forms: the feature registers which of its
endpoints are carried, which fields are kept, and how its form is shown again.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from journal.auth.forms import LoginForm
from journal.urls import safe_next

EXTENSION = "journal.carried_forms"

Draft = dict[str, str]
"""The carried fields by name, and ``action``: the path the form was posted to."""

Resume = Callable[[Draft, dict[str, Any]], ResponseReturnValue]
"""Shows a carried form again from its draft and the view arguments of its ``action``."""


@dataclass(frozen=True)
class CarriedForm:
    fields: Callable[[], Iterable[str]]  # the names of the fields worth keeping
    resume: Resume


def carry_through_sign_in(app: Flask, endpoints: Iterable[str], *,
                          fields: Callable[[], Iterable[str]], resume: Resume) -> None:
    """Carry the forms posted to ``endpoints`` through the sign-in page: ``fields``
    names what is kept, ``resume`` shows the form again once signed in."""
    carried = app.extensions.setdefault(EXTENSION, {})
    for endpoint in endpoints:
        carried[endpoint] = CarriedForm(fields, resume)


def _carried(endpoint: str | None) -> CarriedForm | None:
    return current_app.extensions.get(EXTENSION, {}).get(endpoint)


def posted_draft() -> Draft | None:
    """The draft of a carried form posted to this request, or ``None`` when the request
    is not such a post (or holds none of the form's fields)."""
    carried = _carried(request.endpoint)
    if request.method != "POST" or carried is None:
        return None
    draft = {name: request.form[name] for name in carried.fields() if name in request.form}
    if not draft:
        return None
    draft["action"] = request.path
    return draft


def sign_in_page_carrying() -> ResponseReturnValue | None:
    """The sign-in page (401) holding the carried form posted to this request, or
    ``None`` when there is nothing to carry."""
    draft = posted_draft()
    if draft is None:
        return None
    return render_template("auth/login.html", form=LoginForm(formdata=None), draft=draft), 401


def draft_from_sign_in(form: MultiDict) -> Draft | None:
    """The draft carried in the ``carry_*`` fields of a sign-in form, or ``None``. Its
    ``action`` must be a path on this site that a carried form posts to."""
    action = safe_next(form.get("carry_action"))
    route = _route(action) if action else None
    carried = _carried(route[0]) if route else None
    if carried is None:
        return None
    draft = {name: form[f"carry_{name}"] for name in carried.fields() if f"carry_{name}" in form}
    draft["action"] = action
    return draft


def resume(draft: Draft) -> ResponseReturnValue:
    """The carried form shown again by the feature it belongs to (``draft`` comes from
    :func:`draft_from_sign_in`, so its action is a carried endpoint)."""
    endpoint, view_args = _route(draft["action"])
    return _carried(endpoint).resume(draft, view_args)


def _route(action: str) -> tuple[str, dict[str, Any]] | None:
    """``(endpoint, view arguments)`` a POST to the path ``action`` reaches, or ``None``."""
    try:
        return current_app.create_url_adapter(request).match(urlsplit(action).path,
                                                              method="POST")
    except HTTPException:  # no such page, no POST there, or a redirect
        return None
