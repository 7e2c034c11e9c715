from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, ValidationError

from journal.auth.usernames import canonical_username
from journal.fields import TimezoneField
from journal.models import User


class SettingsForm(FlaskForm):
    timezone = TimezoneField("Time zone")


class DeleteOwnAccountForm(FlaskForm):
    """The current password (checked by the view, which counts wrong guesses) and the
    account's username typed out to confirm, compared as usernames are (case and
    Unicode forms do not matter)."""

    password = PasswordField("Your password",
                             validators=[DataRequired("Type your password.")],
                             render_kw={"autocomplete": "current-password"})
    confirm = StringField("Type your username to confirm",
                          validators=[DataRequired("Type your username to confirm.")],
                          render_kw={"autocomplete": "off", "autocapitalize": "none",
                                     "spellcheck": "false"})

    def __init__(self, *args, account: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def validate_confirm(self, field):
        if canonical_username(field.data or "") != self.account.username:
            raise ValidationError(f"Type your username, “{self.account.username}”, exactly "
                                  "to delete your account.")
