from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from journal.account import bp
from journal.account.forms import SettingsForm
from journal.extensions import db
from journal.timezones import default_timezone_name


@bp.route("/", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm()
    if not form.is_submitted():
        form.timezone.data = current_user.timezone or default_timezone_name()
    if form.validate_on_submit():
        current_user.timezone = form.timezone.data
        db.session.commit()
        flash("Settings saved. Times are now shown in " + form.timezone.data + ".", "success")
        return redirect(url_for("account.settings"))
    return render_template("account/settings.html", form=form,
                           server_timezone=default_timezone_name())
