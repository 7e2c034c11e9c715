from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from journal.account import bp
from journal.account.forms import DeleteOwnAccountForm, SettingsForm
from journal.account.services import (
    LastAdministratorError,
    delete_own_account,
    entries_to_delete,
    is_last_administrator,
)
from journal.auth.guard import check_current_password
from journal.auth.sessions import end_current_session
from journal.extensions import db
from journal.models import User
from journal.requestlog import security_event
from journal.timezones import default_timezone_name, zone_label

REFUSED_MESSAGE = "That is not your password. Nothing was deleted."


@bp.route("/", methods=["GET", "POST"])
@login_required
def settings():
    """The signed-in user's settings (their time zone); saving shows the page again."""
    form = SettingsForm()
    if not form.is_submitted():
        form.timezone.data = current_user.timezone or default_timezone_name()
    if form.validate_on_submit():
        current_user.timezone = form.timezone.data
        db.session.commit()
        flash("Settings saved. Times are now shown in " + form.timezone.data + ".", "success")
        return redirect(url_for("account.settings"))
    return render_template("account/settings.html", form=form,
                           server_timezone=default_timezone_name(),
                           zone_in_use=zone_label(current_user))


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete():
    """Delete one's own account and everything in it, once the current password and the
    username typed out agree. A wrong password counts as a failed guess, like on the
    password page, and answers 429 once guessing is throttled. The last administrator,
    while other accounts exist, gets the page without a form (403 on a POST)."""
    account = current_user._get_current_object()
    form = DeleteOwnAccountForm(account=account)
    if is_last_administrator(account):
        return _page(form, blocked=True), 403 if request.method == "POST" else 200
    if form.validate_on_submit():
        right, throttled = check_current_password(form.password.data)
        if throttled:
            return throttled
        if not right:
            form.password.errors.append(REFUSED_MESSAGE)
        else:
            return _delete(account, form)
    return _page(form), 400 if form.errors else 200


def _delete(account: User, form: DeleteOwnAccountForm):
    user_id, username = account.id, account.username
    try:
        delete_own_account(account)
    except LastAdministratorError:
        db.session.rollback()
        return _page(form, blocked=True), 403
    end_current_session()
    db.session.commit()
    security_event("account_deleted", user=str(user_id), username=username)
    flash("Your account and everything in it are deleted, and every device that was "
          "signed in to it is signed out. Thank you for writing here.", "success")
    return redirect(url_for("main.index"))


def _page(form: DeleteOwnAccountForm, *, blocked: bool = False) -> str:
    return render_template("account/delete.html", form=form, blocked=blocked,
                           entries=entries_to_delete(current_user))
