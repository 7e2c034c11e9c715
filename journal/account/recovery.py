"""The recovery key: shown once after registration (or when replaced), confirmed as
saved, and typed back to open the journal after an administrator's password reset.

A recovery key waiting to be shown lives sealed in the session's row, so reloading the
page shows the same key (the one already downloaded) until the person confirms it is
saved; then no copy is left anywhere but theirs.
"""

from urllib.parse import quote

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from journal.account import bp
from journal.account.forms import (
    DeleteLockedForm,
    NewRecoveryKeyForm,
    RecoveryKeySavedForm,
    UnlockForm,
)
from journal.auth.guard import check_current_password
from journal.auth.keys import (
    drop_locked_generations,
    locked_generation_ids,
    make_recovery_key,
    mark_recovery_key_saved,
    session_data_key,
    shown_recovery_key,
)
from journal.auth.recovery_keys import reopen_with_recovery_key
from journal.auth.sessions import keep_in_this_session
from journal.crypto import keyring
from journal.extensions import db
from journal.sealing.batches import count_locked_entries, delete_locked_rows, rekey_generation


@bp.route("/recovery-key", methods=["GET", "POST"])
@login_required
def recovery_key():
    """The recovery key waiting to be shown, with a download and a box to confirm it is
    saved; without one, a button to make a new one. Posting the confirmation forgets the
    shown key and goes to the start page; without the box ticked, 400 and the key again."""
    shown = shown_recovery_key(current_user)
    form = RecoveryKeySavedForm()
    if shown is not None and form.validate_on_submit():
        mark_recovery_key_saved(current_user)
        keep_in_this_session(current_user, forget_recovery_key=True)
        db.session.commit()
        flash("Your recovery key is saved. Keep it where you keep other important papers.",
              "success")
        return redirect(url_for("main.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("account/recovery_key.html", shown=shown, form=form,
                           new_form=NewRecoveryKeyForm(),
                           download=_download_link(shown) if shown else None), status


@bp.route("/recovery-key/new", methods=["POST"])
@login_required
def new_recovery_key():
    """Replace the recovery key (the old one stops working) and show the new one. (A
    session that cannot open its journal is asked for the password first, by
    :mod:`journal.account.encryption`.)"""
    form = NewRecoveryKeyForm()
    data_key = session_data_key(current_user)
    if not form.validate_on_submit() or data_key is None:
        return redirect(url_for("account.encryption"))
    keep_in_this_session(current_user, recovery_key=make_recovery_key(current_user, data_key))
    db.session.commit()
    return redirect(url_for("account.recovery_key"))


@bp.route("/unlock", methods=["GET", "POST"])
@login_required
def unlock():
    """Open the journal with the recovery key after a password reset: the key is then
    wrapped by the current password again, and what was written since the reset is
    sealed again under it. A mistyped or wrong key, or a wrong password, gets a message
    beside its field and changes nothing. The page says how many entries are locked and
    offers to let them go."""
    form = UnlockForm()
    if form.validate_on_submit():
        right, throttled = check_current_password(form.password.data)
        if throttled:
            return throttled
        if not right:
            form.password.errors.append("That is not your current password.")
        else:
            data_key = reopen_with_recovery_key(current_user, form.recovery_key,
                                                form.password.data)
            if data_key is not None:
                for generation in keyring.held_generations(current_user.id):
                    rekey_generation(current_user, generation)
                keep_in_this_session(current_user, data_key=data_key)
                db.session.commit()
                flash("Your journal is open again with your password. Your recovery key "
                      "still works: keep it safe.", "success")
                return redirect(url_for("main.index"))
    status = 400 if form.is_submitted() else 200
    return _unlock_page(form, DeleteLockedForm(), status)


@bp.route("/unlock/delete-locked", methods=["POST"])
@login_required
def delete_locked():
    """Delete the entries (and tags and prompts) locked since a password reset, after
    the box saying so is ticked; without it, 400 and nothing changes."""
    form = DeleteLockedForm()
    if not form.validate_on_submit():
        return _unlock_page(UnlockForm(formdata=None), form, 400)
    deleted = delete_locked_rows(current_user, locked_generation_ids(current_user))
    drop_locked_generations(current_user)
    db.session.commit()
    flash(f"{deleted:,} locked entr{'y' if deleted == 1 else 'ies'} deleted. Everything "
          "in your journal now opens with your password and your new recovery key.", "success")
    return redirect(url_for("main.index"))


def _unlock_page(form: UnlockForm, delete_form: "DeleteLockedForm", status: int):
    locked = count_locked_entries(current_user, locked_generation_ids(current_user))
    return render_template("account/unlock.html", form=form, delete_form=delete_form,
                           locked=locked), status


def _download_link(shown: str) -> str:
    """The recovery key as a small text file, in a ``data:`` link (nothing is fetched)."""
    text = (f"Recovery key for the journal account {current_user.username}\n\n{shown}\n\n"
            "With this key you can open your journal if your password is reset by an "
            "administrator.\nKeep it somewhere safe and private.\n")
    return "data:text/plain;charset=utf-8," + quote(text)
