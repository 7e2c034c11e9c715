from functools import wraps

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from journal.admin import bp
from journal.admin.forms import DeleteAccountForm, InviteForm
from journal.admin.services import (
    AdminRuleError,
    accounts_overview,
    delete_account,
    set_active,
    set_admin,
)
from journal.auth.models import Invite
from journal.auth.tokens import (
    create_invite,
    create_password_reset,
    pending_invites,
    revoke_invite,
)
from journal.extensions import db
from journal.models import User


def admin_required(view):
    """Administrators only; anyone else gets 404, as if the page did not exist."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def _account_or_404(user_id: int) -> User:
    account = db.session.get(User, user_id)
    if account is None:
        abort(404)
    return account


def _overview(status: int = 200, **extra):
    return render_template("admin/index.html", accounts=accounts_overview(),
                           invites=pending_invites(),
                           invite_form=extra.pop("invite_form", None) or InviteForm(),
                           **extra), status


@bp.route("/")
@admin_required
def index():
    """Every account with its entry count (never its words) and the open invitations."""
    return _overview()


@bp.route("/invites", methods=["POST"])
@admin_required
def invite():
    """Create an invitation; the page shows its link once (only a hash is stored)."""
    form = InviteForm()
    if not form.validate_on_submit():
        return _overview(400, invite_form=form)
    invitation, token = create_invite(current_user, form.username.data, form.days.data)
    db.session.commit()
    link = url_for("auth.register", invite=token, _external=True)
    return _overview(new_link=link, new_link_for=invitation.username,
                     new_link_kind="invitation", invite_form=InviteForm(formdata=None))


@bp.route("/invites/<id:invite_id>/revoke", methods=["POST"])
@admin_required
def revoke(invite_id: int):
    """Withdraw an invitation so its link stops working; 404 when there is no such invitation."""
    invitation = db.session.get(Invite, invite_id)
    if invitation is None:
        abort(404)
    revoke_invite(invitation)
    db.session.commit()
    flash("Invitation withdrawn.", "success")
    return redirect(url_for("admin.index"))


@bp.route("/users/<id:user_id>/active", methods=["POST"])
@admin_required
def activate(user_id: int):
    """``active=1`` enables the account, ``active=0`` disables it and ends its sessions."""
    return _apply(user_id, set_active, request.form.get("active") == "1",
                  "Account enabled.", "Account disabled; it is signed out everywhere.")


@bp.route("/users/<id:user_id>/admin", methods=["POST"])
@admin_required
def make_admin(user_id: int):
    """``admin=1`` makes the account an administrator, ``admin=0`` no longer; 404 for no
    such account."""
    return _apply(user_id, set_admin, request.form.get("admin") == "1",
                  "Now an administrator.", "No longer an administrator.")


def _apply(user_id, change, value: bool, done_on: str, done_off: str):
    account = _account_or_404(user_id)
    try:
        change(current_user, account, value)
    except AdminRuleError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for("admin.index"))
    db.session.commit()
    flash(f"{account.display_name}: {done_on if value else done_off}", "success")
    return redirect(url_for("admin.index"))


@bp.route("/users/<id:user_id>/reset", methods=["POST"])
@admin_required
def reset(user_id: int):
    """A password link for the account, valid once for 24 hours, shown once."""
    account = _account_or_404(user_id)
    _, token = create_password_reset(account)
    db.session.commit()
    link = url_for("auth.reset_password", token=token, _external=True)
    return _overview(new_link=link, new_link_for=account.display_name,
                     new_link_kind="password link")


@bp.route("/users/<id:user_id>/delete", methods=["GET", "POST"])
@admin_required
def delete(user_id: int):
    """Delete an account and all its data, after the username is typed to confirm."""
    account = _account_or_404(user_id)
    form = DeleteAccountForm(account=account)
    if form.validate_on_submit():
        name = account.display_name
        try:
            delete_account(current_user, account)
        except AdminRuleError as problem:
            db.session.rollback()
            form.confirm_username.errors.append(str(problem))
        else:
            db.session.commit()
            flash(f"The account {name} and everything in it are deleted.", "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/delete.html", account=account, form=form), \
        400 if form.errors else 200
