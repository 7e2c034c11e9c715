from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import OperationalError

from journal.auth import bp
from journal.auth.carry import draft_from_sign_in, resume, sign_in_page_carrying
from journal.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    RegisterForm,
    ResetWithRecoveryKeyForm,
)
from journal.auth.guard import (
    check_current_password,
    count_token_guess,
    token_guess_paused,
    too_many_attempts,
)
from journal.auth.keys import (
    lacks_recovery_key,
    make_recovery_key,
    start_new_generation,
    unlock_with_password,
)
from journal.auth.queries import has_any_user, registration_open
from journal.auth.recovery_keys import reopen_with_recovery_key
from journal.auth.services import authenticate, change_password, create_user
from journal.auth.sessions import (
    end_current_session,
    end_other_sessions,
    keep_in_this_session,
    start_session,
)
from journal.auth.throttle import clear_failures, record_failure, retry_after
from journal.auth.tokens import usable_invite, usable_reset, use_password_reset
from journal.auth.usernames import canonical_username
from journal.database import is_lock_timeout, reading
from journal.extensions import db, login_manager
from journal.models import utcnow
from journal.requestlog import security_event
from journal.sealing import seal_at_sign_in
from journal.urls import safe_next

LOGIN_FAILED = "That username and password do not match an account."
BUSY = ("The journal is busy writing something large and could not sign you in just now. "
        "Try again in a moment.")


@bp.errorhandler(OperationalError)
def _busy(error: OperationalError):
    """A sign-in that waited its full time for the database without getting it: the
    form again with the username (and any carried entry), 503; never 500."""
    if not is_lock_timeout(error) or request.endpoint != "auth.login":
        raise error
    db.session.rollback()
    form = LoginForm()
    form.password.errors = [BUSY]
    with reading():  # the page only reads
        page = render_template("auth/login.html", form=form,
                               draft=draft_from_sign_in(request.form))
    return page, 503, {"Retry-After": "5"}


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Create an account: open to anyone in ``open`` mode, with an invitation link
    (``?invite=TOKEN``) in ``invite`` mode, and always for the very first account. The
    account takes the browser's time zone when the page reported a known one."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    token = request.values.get("invite")
    if token and (paused := token_guess_paused("invite")):
        return paused
    invite = usable_invite(token) if token else None
    if token and invite is None:
        count_token_guess("invite")
        return render_template("auth/closed.html", invalid_invite=True), 400
    if invite is None and not registration_open():
        return render_template("auth/closed.html",
                               mode=current_app.config["REGISTRATION"]), 403
    form = RegisterForm(invite=invite)
    if request.method == "GET" and invite is not None and invite.username:
        form.username.data = invite.username
    if form.validate_on_submit():
        user = create_user(form.username.data, form.password.data,
                           timezone=form.chosen_timezone())
        if invite is not None:
            invite.used_at, invite.used_by_id = utcnow(), user.id
        start_session(user, remember=False)
        keep_in_this_session(user, recovery_key=make_recovery_key(user, user.data_key))
        db.session.commit()
        if user.is_admin:
            flash("Welcome. Your account is the administrator of this journal.", "success")
        else:
            flash("Welcome. Your account is ready; everything you write is private to you.",
                  "success")
        return redirect(url_for("account.recovery_key"))
    return render_template("auth/register.html", form=form, first_account=not has_any_user(),
                           invite=invite, token=token if invite else None)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in and go to the safe ``next`` page, or back to a carried form; 429 while
    guessing is paused. A wrong name or password gets the same answer."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    draft = draft_from_sign_in(request.form)
    if form.validate_on_submit():
        username = canonical_username(form.username.data)
        address = request.remote_addr or "unknown"
        wait_until = retry_after(username, address)
        if wait_until is not None:
            return too_many_attempts(wait_until)
        user = authenticate(form.username.data, form.password.data)
        if user is None:
            record_failure(username, address)
            db.session.commit()
            security_event("failed_login", username=username)
            form.password.errors.append(LOGIN_FAILED)
            return render_template("auth/login.html", form=form, draft=draft), 200
        clear_failures(username)
        data_key = unlock_with_password(user, form.password.data)  # for the new session
        if data_key is None:  # set by a reset link: what was written before is locked
            data_key = start_new_generation(user, form.password.data)
            flash("Your password was reset, so what you wrote before is locked until you "
                  "type your recovery key. Everything you write now is kept as usual.", "info")
        start_session(user, remember=form.remember.data)
        if data_key is not None and lacks_recovery_key(user):  # keys made just now
            keep_in_this_session(user, recovery_key=make_recovery_key(user, data_key))
        db.session.commit()
        if data_key is not None and user.sealed_at is None:  # written before encryption
            seal_at_sign_in(user)
        if draft is not None:
            return resume(draft)
        return redirect(safe_next(form.next.data) or url_for("main.index"))
    return render_template("auth/login.html", form=form, draft=draft)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign this browser out (its server-side session ends) and go to the sign-in page."""
    if current_user.is_authenticated:
        end_current_session()
        db.session.commit()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's password after giving the current one; every other sign-in ends."""
    form = ChangePasswordForm(username=current_user.username)
    if form.validate_on_submit():
        right, throttled = check_current_password(form.current_password.data)
        if throttled:
            return throttled
        if not right:
            form.current_password.errors.append("That is not your current password.")
        else:
            change_password(current_user, form.current_password.data, form.password.data)
            ended = end_other_sessions(current_user)
            db.session.commit()
            message = "Your password is changed."
            if ended:
                message += f" {ended} other sign-in{'s' if ended != 1 else ''} ended."
            flash(message, "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Set a new password with a single-use link from an administrator; every session
    of the account ends and its failed sign-ins are forgotten. An unknown, used or expired
    link answers 404; after several of those from one address, every link answers 429
    for a while."""
    if paused := token_guess_paused("reset"):
        return paused
    reset = usable_reset(token)
    if reset is None:
        count_token_guess("reset")
        return render_template("errors/error.html", status=404, title="This link does not work",
                               message="The password link has expired, was already used, or "
                                       "was replaced by a newer one. Ask your administrator "
                                       "for a new link."), 404
    form = ResetWithRecoveryKeyForm(username=reset.user.username)
    if form.validate_on_submit():
        use_password_reset(reset, form.password.data)
        if ((form.recovery_key.data or "").strip()
                and reopen_with_recovery_key(reset.user, form.recovery_key,
                                             form.password.data) is None):
            db.session.rollback()  # a wrong key changes nothing, the link included
            return render_template("auth/reset.html", form=form, account=reset.user,
                                   token=token), 400
        if current_user.is_authenticated:
            end_current_session()
        db.session.commit()
        flash("Your password is set. Sign in with it.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, account=reset.user, token=token)


@login_manager.unauthorized_handler
def unauthorized():
    """Signed-out visitors go to the sign-in page. A carried form (an entry) posted after
    the sign-in ended is kept: the sign-in page holds it and shows it again afterwards."""
    page = sign_in_page_carrying()
    if page is not None:
        return page
    if request.method != "GET":
        abort(401)
    flash("Please sign in to continue.", "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
