"""What is encrypted and how, per account; and the password asked once by a sign-in made
before this journal had keys (a remembered browser), so that its session can open and
seal the journal from then on."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from journal.account import bp
from journal.account.forms import NewRecoveryKeyForm, OpenJournalForm
from journal.auth.guard import check_current_password
from journal.auth.keys import locked_generation_ids, unlock_with_password
from journal.auth.sessions import keep_in_this_session
from journal.crypto import keyring
from journal.extensions import db
from journal.models import AccountKey
from journal.sealing import seal_at_sign_in
from journal.sealing.batches import count_locked_entries
from journal.urls import safe_next

# Pages a session that cannot open its journal still reaches.
OPEN_WITHOUT_KEY = {"static", "assets.stylesheet", "auth.logout", "account.open_journal",
                    "auth.login", "main.healthz"}


@bp.route("/encryption")
@login_required
def encryption():
    """What is sealed, what stays readable to whoever runs the server, the state of
    this account's keys, and the ways to replace the recovery key or unlock."""
    keys = db.session.get(AccountKey, current_user.id)
    locked = count_locked_entries(current_user, locked_generation_ids(current_user))
    return render_template("account/encryption.html", keys=keys, locked=locked,
                           new_form=NewRecoveryKeyForm())


@bp.route("/open", methods=["GET", "POST"])
@login_required
def open_journal():
    """Ask the password once in a session that holds no key for its journal (one made
    before the journal had keys). A wrong password gets a message and counts as a
    failed guess; the right one opens (or first seals) the journal and goes on to
    ``next``."""
    form = OpenJournalForm()
    if form.validate_on_submit():
        right, throttled = check_current_password(form.password.data)
        if throttled:
            return throttled
        data_key = unlock_with_password(current_user, form.password.data) if right else None
        if data_key is None:
            form.password.errors.append("That is not your current password.")
        else:
            keep_in_this_session(current_user, data_key=data_key)
            db.session.commit()
            if current_user.sealed_at is None:
                seal_at_sign_in(current_user)
            flash("Your journal is open on this device again.", "success")
            return redirect(safe_next(form.next.data) or url_for("main.index"))
    elif request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    status = 400 if form.is_submitted() else 200
    return render_template("account/open_journal.html", form=form), status


@bp.before_app_request
def _ask_for_the_password_once():
    """A signed-in session whose journal it cannot open (made before the journal had
    keys) is sent to :func:`open_journal` first, from every page but a few."""
    if (not current_user.is_authenticated or request.endpoint in OPEN_WITHOUT_KEY
            or request.endpoint is None or keyring.holds(current_user.id)):
        return None
    if request.method != "GET":
        return redirect(url_for("account.open_journal"))
    return redirect(url_for("account.open_journal", next=request.full_path.rstrip("?")))
